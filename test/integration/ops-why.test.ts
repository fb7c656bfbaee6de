import { randomBytes } from 'node:crypto';
import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Cluster } from '../../agents/ops/cluster.js';
import { runConnectivity } from '../../agents/ops/connectivity-run.js';
import { runDiagnose } from '../../agents/ops/diagnose-run.js';
import { OPS_TOOLS } from '../../agents/ops/index.js';
import type { WhyStep } from '../../agents/ops/why.js';
import type { TaskResult } from '../../shared/a2a/parts.js';
import { mcpToolBox } from '../../shared/reasoning/toolbox.js';
import { kubectl } from '../../tools/cluster/exec.js';
import { kubernetesClient } from '../helpers/mcp.js';

const k = (args: string[], input?: string) => kubectl(inject('kubectl'), inject('kubeconfig'), args, input);
const id = randomBytes(3).toString('hex');
const NS = `why-${id}`;
const CLASS = `why-${id}`;

/** Ingress web → Service web → Deployment web (needs ConfigMap catalog-settings, absent: kwok's pod-create-container-config-error stage fails its pods); Service cart selects a label no pod has; Service echo works. */
const MANIFEST = `
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: { name: ${CLASS} }
spec: { controller: example.com/why-test }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${NS} }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: nginx:1.27.3
          ports: [{ containerPort: 80, name: http }]
          envFrom: [{ configMapRef: { name: catalog-settings } }]
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: ${NS} }
spec: { selector: { app: web }, ports: [{ port: 80, targetPort: http }] }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: ${NS} }
spec:
  ingressClassName: ${CLASS}
  rules:
    - host: web.example
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: echo, namespace: ${NS} }
spec:
  replicas: 1
  selector: { matchLabels: { app: echo } }
  template:
    metadata: { labels: { app: echo } }
    spec: { containers: [{ name: echo, image: nginx:1.27.3, ports: [{ containerPort: 8080 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: echo, namespace: ${NS} }
spec: { selector: { app: echo }, ports: [{ port: 80, targetPort: 8080 }] }
---
apiVersion: v1
kind: Service
metadata: { name: cart, namespace: ${NS} }
spec: { selector: { app: carts }, ports: [{ port: 80, targetPort: 8080 }] }
`;

let mcp: McpClient;
let cluster: Cluster;
const stepsOf = (r: TaskResult) => ((r.data as { chain?: WhyStep[] }).chain ?? []).map((s) => s.step);

/** Asks until the chain reaches its root cause (kwok's CreateContainerConfigError stage takes a moment), or the deadline passes. */
async function settle(text: string, done: (steps: string[]) => boolean, deadlineMs = 90_000): Promise<TaskResult> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const r = await runDiagnose(cluster, text, () => {});
    if (done(stepsOf(r)) || Date.now() > until) return r;
    await new Promise((res) => setTimeout(res, 2000));
  }
}

beforeAll(async () => {
  await k(['create', 'namespace', NS]);
  await k(['apply', '-f', '-'], MANIFEST);
  mcp = await kubernetesClient(inject('kubeconfig'));
  cluster = new Cluster(mcpToolBox(mcp, OPS_TOOLS));
}, 120_000);

afterAll(async () => {
  await mcp?.close();
  await k(['delete', 'namespace', NS, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  await k(['delete', 'ingressclass', CLASS, '--ignore-not-found', '--wait=true', '--timeout=120s']);
}, 180_000);

describe('"why is X failing?" walks the chain on the demo cluster', () => {
  it('Ingress → Service without endpoints → Deployment 0/2 → pod CreateContainerConfigError → ConfigMap missing', async () => {
    const r = await settle(`Why is the web ingress failing in ${NS}?`, (steps) => steps.length === 5);
    expect(r.data).toMatchObject({ skill: 'diagnose-workload', object: { kind: 'Ingress', name: 'web', namespace: NS }, analyzers: ['service-no-endpoints', 'workload-unavailable'] });
    expect(stepsOf(r)).toEqual([
      `Ingress ${NS}/web: routes to Service ${NS}/web`,
      `Service ${NS}/web: no ready endpoints`,
      `Deployment ${NS}/web: 0/2 available`,
      expect.stringMatching(/^Pod web-\S+: MissingConfig \(container web\)/),
      `ConfigMap ${NS}/catalog-settings: missing`,
    ]);
    expect(r.text.split('\n')[0]).toBe(`Why Ingress ${NS}/web is failing:`);
    expect(r.text).toMatch(/Fix: .*catalog-settings/);
    expect((r.data as { fix?: { text: string } }).fix?.text).toContain('catalog-settings');
  }, 120_000);

  it('the Deployment by name: its chain, and its pods keep their own diagnosis', async () => {
    const r = await settle(`why is deployment web failing in ${NS}`, (steps) => steps.some((x) => x.startsWith('Pod ')));
    expect(stepsOf(r)[0]).toBe(`Deployment ${NS}/web: 0/2 available`);
    const findings = (r.data as { findings: Array<{ cause: string }> }).findings;
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.cause === 'MissingConfig')).toBe(true);
    expect(r.text).toContain('The pods:');
  }, 120_000);

  it('a healthy Service is not a chain: the pod answer says nothing is failing', async () => {
    await k(['rollout', 'status', '-n', NS, 'deployment/echo', '--timeout=90s']);
    const r = await runDiagnose(cluster, `why is service echo failing in ${NS}`, () => {});
    expect((r.data as { chain?: unknown }).chain).toBeUndefined();
    expect(r.text).toMatch(/Nothing is failing/);
  }, 120_000);

  it('a healthy object without pods of its name (an Ingress to a working Service) is reported healthy, not "not found"', async () => {
    await k(['rollout', 'status', '-n', NS, 'deployment/echo', '--timeout=90s']);
    await k(['apply', '-f', '-'], `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: front, namespace: ${NS} }
spec:
  ingressClassName: ${CLASS}
  defaultBackend: { service: { name: echo, port: { number: 80 } } }
`);
    const r = await runDiagnose(cluster, `why is ingress front failing in ${NS}`, () => {});
    expect(r.data).toMatchObject({ object: { kind: 'Ingress', name: 'front', namespace: NS }, chain: [] });
    expect(r.text).toMatch(new RegExp(`^Ingress ${NS}/front: nothing on its chain is failing`));
  }, 120_000);
});

describe('service connectivity down to the DNS name', () => {
  it('a working Service: every link ok, DNS name and port', async () => {
    await k(['rollout', 'status', '-n', NS, 'deployment/echo', '--timeout=90s']);
    const r = await runConnectivity(cluster, `can I reach service echo in namespace ${NS}?`, () => {});
    expect(r.data).toMatchObject({ skill: 'service-connectivity', stopsAt: null, breaksAt: null, dns: { name: `echo.${NS}.svc.cluster.local`, ports: [80] } });
    expect((r.data as { links: Array<{ ok: boolean }> }).links.every((l) => l.ok)).toBe(true);
    expect(r.text).toContain(`echo.${NS}.svc.cluster.local:80 → ClusterIP `);
  }, 120_000);

  it('a selector no pod has: breaks at the selector, with the analyzer evidence', async () => {
    const r = await runConnectivity(cluster, `why can't I reach service cart in namespace ${NS}`, () => {});
    expect(r.data).toMatchObject({ stopsAt: 'no-matching-pods', breaksAt: 'selector' });
    expect((r.data as { analyzerFindings: Array<{ analyzer: string }> }).analyzerFindings.map((f) => f.analyzer)).toEqual(['service-selector-no-match']);
    expect(r.text).toContain('(breaks at selector)');
    expect(r.text).toContain('evidence (service-selector-no-match): spec.selector: app=carts');
  });
});
