import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cpuCores, memoryBytes } from '../../mcp-servers/kubernetes/tools/top.js';
import { loadKubeConfig } from '../../tools/cluster/lifecycle.js';
import { waitFor } from '../../tools/cluster/processes.js';
import { call, kubernetesClient, textOf } from '../helpers/mcp.js';

interface TopItem {
  name: string;
  namespace: string | null;
  cpuCores: number;
  memoryBytes: number;
}
const itemsOf = (r: { structuredContent?: Record<string, unknown> }) => (r.structuredContent?.items ?? []) as TopItem[];

/** What kwok simulates for a pod: the `kwok.x-k8s.io/usage-*` annotation (1m / 1Mi without one) for each container. */
function simulatedUsage(pod: V1Pod): { cpuCores: number; memoryBytes: number } {
  const a = pod.metadata?.annotations ?? {};
  const containers = pod.spec?.containers.length ?? 1;
  return {
    cpuCores: containers * cpuCores(a['kwok.x-k8s.io/usage-cpu'] ?? '1m'),
    memoryBytes: containers * memoryBytes(a['kwok.x-k8s.io/usage-memory'] ?? '1Mi'),
  };
}

/** A pod that runs: phase Running and every container running. */
const isRunning = (pod: V1Pod): boolean => {
  const statuses = pod.status?.containerStatuses ?? [];
  return pod.status?.phase === 'Running' && statuses.length > 0 && statuses.every((s) => s.state?.running);
};

describe('k8s_top against the demo cluster’s metrics API (metrics-server scraping kwok)', () => {
  let client: Client;
  let core: CoreV1Api;

  beforeAll(async () => {
    client = await kubernetesClient(inject('kubeconfig'));
    core = loadKubeConfig(inject('kubeconfig')).makeApiClient(CoreV1Api);
    // metrics-server answers once it has scraped every node twice (15 s apart) after `cluster up`.
    await waitFor(
      'the metrics API to report the 3 demo nodes',
      async () => {
        const r = await call(client, 'k8s_top', { resource: 'nodes' });
        return !r.isError && itemsOf(r).length === 3 ? true : undefined;
      },
      90_000,
      2000,
    );
  });
  afterAll(async () => client.close());

  it('nodes: the three workers, with the CPU and memory kwok simulates for their pods', async () => {
    const r = await call(client, 'k8s_top', { resource: 'nodes', sortBy: 'memory' });
    expect(r.isError).toBeFalsy();
    const items = itemsOf(r);
    expect(items.map((i) => i.name).sort()).toEqual(['worker-1', 'worker-2', 'worker-3']);
    for (const node of items) {
      expect(node.namespace).toBeNull();
      // kwok's node usage is the sum of its pods' usage: every worker runs annotated demo pods.
      expect(node.cpuCores, node.name).toBeGreaterThan(0.001);
      expect(node.memoryBytes, node.name).toBeGreaterThan(50 * 1024 ** 2);
    }
    expect(items.map((i) => i.memoryBytes)).toEqual([...items.map((i) => i.memoryBytes)].sort((a, b) => b - a));
    const text = textOf(r);
    expect(text.split('\n')[0]).toMatch(/^NAME\s+CPU\(CORES\)\s+MEMORY\(BYTES\)$/i);
    expect(text).toMatch(/^worker-\d\s+\d+m\s+\d+Mi$/m);

    // Across the cluster, node memory adds up to the simulated memory of the running pods.
    const pods = (await core.listPodForAllNamespaces()).items.filter((p) => isRunning(p));
    const podMemory = pods.reduce((s, p) => s + simulatedUsage(p).memoryBytes, 0);
    const nodeMemory = items.reduce((s, n) => s + n.memoryBytes, 0);
    expect(Math.abs(nodeMemory - podMemory) / podMemory).toBeLessThan(0.25);
  });

  it('pods in a namespace: every running pod, with the usage its kwok annotations simulate', async () => {
    // A pod shows up once metrics-server has scraped it twice (15 s apart): right after `up`, wait.
    const { r, pods } = await waitFor(
      'metrics for every running pod in shop',
      async () => {
        const r = await call(client, 'k8s_top', { resource: 'pods', namespace: 'shop' });
        const pods = (await core.listNamespacedPod({ namespace: 'shop' })).items;
        const listed = new Set(itemsOf(r).map((i) => i.name));
        const running = pods.filter((p) => isRunning(p));
        return !r.isError && running.length >= 5 && running.every((p) => listed.has(p.metadata!.name!)) ? { r, pods } : undefined;
      },
      60_000,
      2000,
    );
    const items = itemsOf(r);
    expect(r.structuredContent!.total).toBe(items.length);
    const byName = new Map(pods.map((p) => [p.metadata!.name!, p]));
    // Pods that do not run (CreateContainerConfigError, …) have no metrics.
    const notRunning = pods.filter((p) => !isRunning(p)).map((p) => p.metadata!.name!);
    expect(notRunning.length).toBeGreaterThanOrEqual(1);
    for (const name of notRunning) expect(items.map((i) => i.name)).not.toContain(name);

    for (const item of items) {
      expect(item.namespace).toBe('shop');
      const pod = byName.get(item.name);
      expect(pod, item.name).toBeDefined();
      const want = simulatedUsage(pod!);
      expect(item.memoryBytes, `${item.name} memory`).toBe(want.memoryBytes);
      // CPU is a rate metrics-server derives from kwok's cumulative counter between two scrapes.
      expect(item.cpuCores, `${item.name} cpu`).toBeGreaterThan(want.cpuCores * 0.8);
      expect(item.cpuCores, `${item.name} cpu`).toBeLessThan(want.cpuCores * 1.2 + 0.002);
    }
    // Heaviest CPU first; the table is kubectl top's.
    expect(items.map((i) => i.cpuCores)).toEqual([...items.map((i) => i.cpuCores)].sort((a, b) => b - a));
    expect(textOf(r)).toMatch(/^NAME\s+CPU\(CORES\)\s+MEMORY\(BYTES\)\n/i);
    expect(textOf(r)).toMatch(/^postgres-0\s+1[78]\dm\s+420Mi$/m);
  });

  it('pods across namespaces, narrowed by a label selector and a limit', async () => {
    const all = await call(client, 'k8s_top', { resource: 'pods', sortBy: 'memory' });
    expect(all.isError).toBeFalsy();
    const namespaces = new Set(itemsOf(all).map((i) => i.namespace));
    for (const ns of ['shop', 'payments']) expect(namespaces).toContain(ns);
    expect(textOf(all).split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+CPU/i);

    const frontend = await call(client, 'k8s_top', { resource: 'pods', namespace: 'shop', labelSelector: 'app=frontend' });
    expect(itemsOf(frontend).length).toBeGreaterThanOrEqual(1);
    for (const i of itemsOf(frontend)) expect(i.name).toMatch(/^frontend-/);

    const one = await call(client, 'k8s_top', { resource: 'pods', limit: 1 });
    expect(itemsOf(one)).toHaveLength(1);
    expect(textOf(one)).toMatch(/\d+ more — raise limit or narrow with namespace\/labelSelector/);
  });

  it('a namespace without running pods: says what metrics-server reports, not just "nothing"', async () => {
    const none = await call(client, 'k8s_top', { resource: 'pods', namespace: 'kube-public' });
    expect(none.isError).toBeFalsy();
    expect(itemsOf(none)).toEqual([]);
    expect(textOf(none)).toBe('No pods metrics in namespace kube-public: metrics-server reports only running pods, each once it has scraped it twice (about 30 s after either starts).');
  });
});

/**
 * The honest answer where there is no metrics API: an API server on loopback that, like a real
 * one, says 404 for an unregistered group and 503 while the APIService's backend is not ready.
 */
describe('k8s_top without a metrics API', () => {
  let server: Server;
  let dir: string;
  let client: Client;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const status =
        url.pathname.startsWith('/apis/metrics.k8s.io/') && url.pathname.includes('/namespaces/')
          ? { code: 503, reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request' }
          : { code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' };
      res.writeHead(status.code, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', ...status }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    dir = mkdtempSync(join(tmpdir(), 'k8s-top-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: bare, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]`,
        'users: [{name: u, user: {token: t}}]',
        'contexts: [{name: bare, context: {cluster: bare, user: u}}]',
        'current-context: bare',
        '',
      ].join('\n'),
    );
    client = await kubernetesClient(kubeconfig);
  });
  afterAll(async () => {
    await client.close();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('says plainly that there is no metrics API (404), and where to look instead', async () => {
    const r = await call(client, 'k8s_top', { resource: 'nodes' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/no resource metrics API \(metrics.k8s.io\).*prom_query/s);
  });

  it('says the same while metrics-server is registered but not ready yet (503)', async () => {
    const r = await call(client, 'k8s_top', { resource: 'pods', namespace: 'shop' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/metrics-server is not installed or not ready/);
  });
});
