import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { kubectl } from '../../tools/cluster/exec.js';
import { call, kubernetesClient, textOf } from '../helpers/mcp.js';

const NS = 'list-compact';
const HEALTHY = Array.from({ length: 147 }, (_, i) => `web-${i}`);
// Images from this registry never pull on the demo cluster (a kwok failure stage): ErrImagePull / ImagePullBackOff.
const BROKEN = ['broken-0', 'broken-1', 'broken-2'];
const PODS = [...HEALTHY, ...BROKEN];
// A pod whose name is also a Secret's value: grouped pages must be scrubbed like row pages.
const CANARY = 'compact-canary-9d41e7';

const k = (args: string[], input?: string) => kubectl(inject('kubectl'), inject('kubeconfig'), args, input);

interface Group {
  namespace?: string;
  status: string;
  ready: string;
  count: number;
  names: string[];
}

let client: Client;
beforeAll(async () => {
  const pod = (name: string, image: string, labels: Record<string, string>, i: number) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, labels },
    spec: { nodeName: `worker-${(i % 3) + 1}`, containers: [{ name: 'app', image }] },
  });
  const docs = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'canary', namespace: NS }, stringData: { token: CANARY } },
    ...HEALTHY.map((name, i) => pod(name, 'nginx:1.27.3', { set: 'compact', app: 'web' }, i)),
    ...BROKEN.map((name, i) => pod(name, 'registry.acme.internal/compact/broken:1.0', { set: 'compact', app: 'broken' }, i)),
    pod(CANARY, 'nginx:1.27.3', { app: 'canary' }, 0),
  ];
  // A run that was interrupted may have left the namespace behind, still terminating.
  await k(['delete', 'namespace', NS, '--ignore-not-found', '--wait=true', '--timeout=180s']);
  await k(['apply', '--server-side', '-f', '-'], docs.map((d) => stringify(d)).join('---\n'));
  await k(['wait', '--namespace', NS, '--for=jsonpath={.status.phase}=Running', 'pod', '--selector', 'app in (web,canary)', '--timeout=180s']);
  await k(['wait', '--namespace', NS, '--for=jsonpath={.status.containerStatuses[0].state.waiting.reason}', 'pod', '--selector', 'app=broken', '--timeout=180s']);
  client = await kubernetesClient(inject('kubeconfig'));
});

afterAll(async () => {
  await client?.close();
  // Waits: 151 terminating pods would push other suites' pods off their first page of k8s_list.
  await k(['delete', 'namespace', NS, '--ignore-not-found', '--wait=true', '--timeout=180s']);
});

describe('k8s_list: grouped view for large pages', () => {
  it('auto groups a page of more than 100 pods, and still names every pod exactly once', async () => {
    const r = await call(client, 'k8s_list', { kind: 'pods', namespace: NS, labelSelector: 'set=compact', limit: 500 });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent!;
    expect(s).toMatchObject({ view: 'grouped', count: 150, columns: ['Ready', 'Status', 'Restarts', 'Age'], continue: null });
    expect(s.items).toBeUndefined();
    const groups = s.groups as Group[];
    // Created in one apply, the healthy pods share a handful of lines (their AGE may differ by seconds).
    expect(groups.length).toBeLessThanOrEqual(30);
    expect(groups.reduce((sum, g) => sum + g.count, 0)).toBe(150);
    for (const g of groups) expect(g.names).toHaveLength(g.count);
    expect(groups.flatMap((g) => g.names).sort()).toEqual([...PODS].sort());

    const text = textOf(r);
    const lines = text.split('\n');
    expect(lines[0]).toBe(`150 pods in ${groups.length} lines: those that differ only by name share one (view "rows" lists one per line).`);
    expect(lines[1]).toMatch(/^READY\s+STATUS\s+RESTARTS\s+AGE\s+COUNT\s+NAMES$/);
    const named = lines.slice(2).flatMap((line) => line.split(/\s+/));
    for (const name of PODS) expect(named, name).toContain(name);
  });

  it('keeps unhealthy pods apart from the healthy ones', async () => {
    const r = await call(client, 'k8s_list', { kind: 'pods', namespace: NS, labelSelector: 'set=compact', limit: 500, view: 'grouped' });
    const groups = r.structuredContent!.groups as Group[];
    for (const g of groups) {
      const broken = g.names.filter((n) => BROKEN.includes(n));
      expect(broken.length === 0 || broken.length === g.names.length, `${g.status}: ${g.names.join(' ')}`).toBe(true);
      if (broken.length) expect(g).toMatchObject({ ready: '0/1', status: expect.stringMatching(/^(ErrImagePull|ImagePullBackOff)$/) });
      else expect(g).toMatchObject({ ready: '1/1', status: 'Running' });
    }
  });

  it('view "rows" lists one item per pod', async () => {
    const r = await call(client, 'k8s_list', { kind: 'pods', namespace: NS, labelSelector: 'set=compact', limit: 500, view: 'rows' });
    const s = r.structuredContent!;
    expect(s).toMatchObject({ view: 'rows', count: 150, columns: ['Name', 'Ready', 'Status', 'Restarts', 'Age'] });
    expect(s.groups).toBeUndefined();
    expect((s.items as Array<{ name: string }>).map((i) => i.name).sort()).toEqual([...PODS].sort());
    expect(textOf(r).split('\n')).toHaveLength(151);
  });

  it('a forced grouped view pages like rows do', async () => {
    const first = await call(client, 'k8s_list', { kind: 'pods', namespace: NS, view: 'grouped' });
    expect(first.structuredContent).toMatchObject({ view: 'grouped', count: 100, remaining: 51 });
    const token = first.structuredContent!.continue as string;
    expect(token).toBeTruthy();
    expect(textOf(first)).toMatch(/51 more — narrow with labelSelector or namespace/);
    const second = await call(client, 'k8s_list', { kind: 'pods', namespace: NS, view: 'grouped', continue: token });
    expect(second.structuredContent).toMatchObject({ view: 'grouped', count: 51, continue: null });
    const names = [first, second].flatMap((r) => (r.structuredContent!.groups as Group[]).flatMap((g) => g.names));
    // the canary pod's name is a Secret value: masked
    expect(names.sort()).toEqual([...PODS, '***'].sort());
  });

  it('across namespaces, each namespace has its own lines', async () => {
    const r = await call(client, 'k8s_list', { kind: 'pods', limit: 1000, view: 'grouped' });
    expect(r.structuredContent!.columns).toEqual(['Namespace', 'Ready', 'Status', 'Restarts', 'Age']);
    const ours = (r.structuredContent!.groups as Group[]).filter((g) => g.namespace === NS).flatMap((g) => g.names);
    expect(ours.sort()).toEqual([...PODS, '***'].sort());
  });

  it('scrubs Secret values from grouped pages as from rows', async () => {
    for (const view of ['grouped', 'rows']) {
      const r = await call(client, 'k8s_list', { kind: 'pods', namespace: NS, limit: 500, view });
      expect(r.structuredContent!.count).toBe(151);
      expect(JSON.stringify(r), view).not.toContain(CANARY);
      expect(JSON.stringify(r.structuredContent), view).toContain('***');
    }
  });
});
