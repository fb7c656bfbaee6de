import { describe, expect, it } from 'vitest';
import { matchesSelector, suggestLabel, traceService } from '../../agents/ops/connectivity.js';
import type { EndpointSlice, Pod, Service } from '../../agents/ops/kube-objects.js';

const pod = (name: string, labels: Record<string, string>, ready = true, ports: number[] = [8443]): Pod => ({
  metadata: { name, namespace: 'payments', labels },
  spec: { containers: [{ name: 'c', ports: ports.map((p) => ({ containerPort: p, name: 'https' })) }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const svc = (selector: Record<string, string> | null, targetPort: number | string = 'https', type = 'ClusterIP'): Service => ({
  metadata: { name: 'payments-gateway', namespace: 'payments' },
  spec: { type, selector, ports: [{ port: 443, targetPort }] },
});
const slice = (ready: Array<[string, boolean]>): EndpointSlice => ({ endpoints: ready.map(([n, r]) => ({ addresses: ['10.0.0.1'], conditions: { ready: r }, targetRef: { kind: 'Pod', name: n } })) });

const gatewayPods = [pod('payments-gateway-a', { app: 'payments-gateway', tier: 'edge' }), pod('payments-gateway-b', { app: 'payments-gateway', tier: 'edge' }), pod('payments-api-x', { app: 'payments-api' })];

describe('traceService (pure)', () => {
  it('a selector no pod has: traffic stops there, and the closest existing label is suggested', () => {
    const t = traceService(svc({ app: 'payment-gateway' }), gatewayPods, [slice([])]);
    expect(t.stopsAt).toBe('no-matching-pods');
    expect(t.matchingPods).toEqual([]);
    expect(t.suggestion).toEqual({ key: 'app', wrong: 'payment-gateway', existing: 'payments-gateway', pods: ['payments-gateway-a', 'payments-gateway-b'] });
    expect(t.summary).toContain('app=payment-gateway');
    expect(t.fix).toContain('app=payments-gateway');
  });

  it('no suggestion when nothing is close', () => {
    expect(suggestLabel({ app: 'zzzzzzzz' }, gatewayPods)).toBeUndefined();
    expect(traceService(svc({ app: 'zzzzzzzz' }), gatewayPods, []).fix).toContain('give the intended pods the labels app=zzzzzzzz');
  });

  it('matching pods that are not ready', () => {
    const pods = [pod('payments-gateway-a', { app: 'payments-gateway' }, false)];
    const t = traceService(svc({ app: 'payments-gateway' }), pods, [slice([['payments-gateway-a', false]])]);
    expect(t.stopsAt).toBe('pods-not-ready');
    expect(t.endpoints).toEqual({ ready: [], notReady: ['payments-gateway-a'] });
  });

  it('a target port the pods do not expose', () => {
    const t = traceService(svc({ app: 'payments-gateway' }, 9999), gatewayPods, [slice([['payments-gateway-a', true]])]);
    expect(t.stopsAt).toBe('target-port');
    expect(t.summary).toContain('9999');
    expect(traceService(svc({ app: 'payments-gateway' }, 'grpc'), gatewayPods, []).stopsAt).toBe('target-port');
  });

  it('traffic reaches ready pods', () => {
    const t = traceService(svc({ app: 'payments-gateway' }, 8443), gatewayPods, [slice([['payments-gateway-a', true], ['payments-gateway-b', true]])]);
    expect(t.stopsAt).toBeNull();
    expect(t.matchingPods.map((p) => p.name)).toEqual(['payments-gateway-a', 'payments-gateway-b']);
    expect(t.endpoints.ready).toEqual(['payments-gateway-a', 'payments-gateway-b']);
  });

  it('no selector, ExternalName, and odd objects', () => {
    expect(traceService(svc(null), gatewayPods, []).stopsAt).toBe('no-selector');
    expect(traceService(svc(null, 1, 'ExternalName'), [], []).stopsAt).toBe('external-name');
    expect(() => traceService({} as Service, [null as never, {} as Pod], [{} as EndpointSlice, { endpoints: [null as never, {}] }])).not.toThrow();
    expect(traceService({} as Service, [], []).service).toBe('<unnamed>');
  });

  it('matchesSelector needs every term and a non-empty selector', () => {
    expect(matchesSelector({ app: 'a', tier: 'b' }, { app: 'a' })).toBe(true);
    expect(matchesSelector({ app: 'a' }, { app: 'a', tier: 'b' })).toBe(false);
    expect(matchesSelector(null, { app: 'a' })).toBe(false);
    expect(matchesSelector({ app: 'a' }, {})).toBe(false);
  });
});

describe('traceService links: DNS name → Service → selector → pods → readiness → port → EndpointSlices (pure)', () => {
  const withIp = (s: Service, clusterIP: string): Service => ({ ...s, spec: { ...s.spec, clusterIP } as Service['spec'] });
  const linkNames = (t: ReturnType<typeof traceService>) => t.links.map((l) => `${l.link}:${l.ok ? 'ok' : 'BAD'}`);

  it('a working Service: every link ok, the DNS name with its port and ClusterIP', () => {
    const t = traceService(withIp(svc({ app: 'payments-gateway' }, 8443), '10.96.0.20'), gatewayPods, [slice([['payments-gateway-a', true]])]);
    expect(t.dns).toEqual({ name: 'payments-gateway.payments.svc.cluster.local', ports: [443], resolvesTo: 'ClusterIP 10.96.0.20' });
    expect(linkNames(t)).toEqual(['dns:ok', 'service:ok', 'selector:ok', 'pods:ok', 'readiness:ok', 'port:ok', 'endpointslices:ok']);
    expect(t.links[0]!.detail).toBe('payments-gateway.payments.svc.cluster.local:443 → ClusterIP 10.96.0.20');
  });

  it('says which link breaks, and leaves out the links traffic never reaches', () => {
    expect(linkNames(traceService(svc({ app: 'payment-gateway' }), gatewayPods, []))).toEqual(['dns:ok', 'service:ok', 'selector:BAD']);
    const notReady = traceService(svc({ app: 'payments-gateway' }), [pod('payments-gateway-a', { app: 'payments-gateway' }, false)], [slice([['payments-gateway-a', false]])]);
    expect(linkNames(notReady).at(-1)).toBe('readiness:BAD');
    expect(notReady.links.at(-1)!.detail).toBe('0 of 1 ready');
    expect(linkNames(traceService(svc({ app: 'payments-gateway' }, 9999), gatewayPods, [slice([['payments-gateway-a', true]])])).at(-1)).toBe('port:BAD');
    expect(linkNames(traceService(svc({ app: 'payments-gateway' }, 8443), gatewayPods, [slice([])])).at(-1)).toBe('endpointslices:BAD');
    expect(linkNames(traceService(svc(null, 1, 'ExternalName'), [], []))).toEqual(['dns:ok', 'service:BAD']);
  });

  it('a headless Service resolves to its ready pods: with none, the DNS name itself has no answer', () => {
    const t = traceService(withIp(svc({ app: 'payments-gateway' }), 'None'), [pod('payments-gateway-a', { app: 'payments-gateway' }, false)], []);
    expect(t.dns.resolvesTo).toContain('headless');
    expect(t.links[0]).toMatchObject({ link: 'dns', ok: false });
    expect(traceService({} as Service, [], []).dns.name).toBe('<unnamed>.default.svc.cluster.local');
  });
});
