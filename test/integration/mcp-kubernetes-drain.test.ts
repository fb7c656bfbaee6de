import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { kubectl } from '../../tools/cluster/exec.js';
import { waitFor } from '../../tools/cluster/processes.js';
import { call, type Elicitor, elicitor, kubernetesClient, textOf } from '../helpers/mcp.js';

/**
 * A node of its own (kwok keeps it Ready), so draining it disturbs nothing else: two pods under
 * a PodDisruptionBudget that allows no disruption, one free pod, and for a while an unmanaged pod.
 */
const NODE = 'drain-test';
const NS = 'mcp-drain';

const k = (args: string[], input?: string) => kubectl(inject('kubectl'), inject('kubeconfig'), args, input);
const podsOnNode = async () =>
  (JSON.parse((await k(['get', 'pods', '-n', NS, '--field-selector', `spec.nodeName=${NODE}`, '-o', 'json'])).stdout) as { items: Array<{ metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string }; status: { phase: string } }> }).items;
const unschedulable = async () => (JSON.parse((await k(['get', 'node', NODE, '-o', 'json'])).stdout) as { spec: { unschedulable?: boolean } }).spec.unschedulable === true;

const pinned = (name: string, replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: NS },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { nodeSelector: { 'kubernetes.io/hostname': NODE }, containers: [{ name: 'app', image: 'nginx:1.27.3' }] } },
  },
});

let client: Client;
let asked: Elicitor['asked'];

beforeAll(async () => {
  await k(['delete', 'namespace', NS, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  const objects = [
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: NODE, annotations: { 'kwok.x-k8s.io/node': 'fake' }, labels: { 'kubernetes.io/hostname': NODE, type: 'kwok' } },
      status: { allocatable: { cpu: '4', memory: '16Gi', pods: '110' }, capacity: { cpu: '4', memory: '16Gi', pods: '110' } },
    },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    pinned('guarded', 2),
    pinned('free', 1),
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'guarded-pdb', namespace: NS }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'guarded' } } } },
  ];
  await k(['apply', '-f', '-'], objects.map((o) => stringify(o)).join('---\n'));
  await waitFor('3 pods running on the drain node', async () => ((await podsOnNode()).filter((p) => p.status.phase === 'Running').length === 3 ? true : undefined), 90_000, 500);
  await waitFor(
    'the disruption budget to count its pods',
    async () => {
      const pdb = JSON.parse((await k(['get', 'pdb', 'guarded-pdb', '-n', NS, '-o', 'json'])).stdout) as { status?: { currentHealthy?: number } };
      return pdb.status?.currentHealthy === 2 ? true : undefined;
    },
    60_000,
    500,
  );
  const e = elicitor('confirm');
  asked = e.asked;
  client = await kubernetesClient(inject('kubeconfig'), { K8S_EXPERTS_ALLOW_WRITES: 'true' }, e);
});

afterAll(async () => {
  await client?.close();
  await k(['delete', 'namespace', NS, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  await k(['delete', 'node', NODE, '--ignore-not-found']);
});

describe('k8s_cordon / k8s_uncordon', () => {
  it('cordon marks the node unschedulable without asking; again is unchanged; uncordon undoes it', async () => {
    const before = asked.length;
    const r = await call(client, 'k8s_cordon', { name: NODE });
    expect(r.structuredContent).toMatchObject({ dryRun: false, changes: [{ kind: 'Node', name: NODE, action: 'cordoned' }] });
    expect(await unschedulable()).toBe(true);
    expect((await call(client, 'k8s_cordon', { name: NODE })).structuredContent!.summary).toBe(`Node ${NODE} is already cordoned.`);
    await call(client, 'k8s_uncordon', { name: NODE });
    expect(await unschedulable()).toBe(false);
    expect(asked.length).toBe(before);
    expect((await call(client, 'k8s_cordon', { name: 'no-such-node' })).isError).toBe(true);
  });
});

describe('k8s_drain', () => {
  it('refuses while an unmanaged pod is on the node, naming it and the override; nothing is cordoned', async () => {
    await k(['run', 'loner', '-n', NS, '--image=nginx:1.27.3', '--overrides', JSON.stringify({ spec: { nodeName: NODE } })]);
    const r = await call(client, 'k8s_drain', { name: NODE });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain(`cannot drain node ${NODE}: not managed by a controller: nothing recreates it (override with force: true): ${NS}/loner; nothing was changed`);
    expect(await unschedulable()).toBe(false);
    await k(['delete', 'pod', 'loner', '-n', NS, '--wait=true', '--timeout=60s']);
  });

  it('a dry run lists what would go and what a disruption budget refuses, and changes nothing', async () => {
    const r = await call(client, 'k8s_drain', { name: NODE, dryRun: true });
    expect(r.isError, textOf(r)).toBeFalsy();
    const changes = r.structuredContent!.changes as Array<{ kind: string; name: string; action: string }>;
    expect(changes[0]).toMatchObject({ kind: 'Node', action: 'cordoned' });
    const guarded = changes.filter((c) => c.name.startsWith('guarded-'));
    expect(guarded).toHaveLength(2);
    for (const c of guarded) expect(c.action).toMatch(/^eviction refused: .*disruption budget/);
    expect(changes.find((c) => c.name.startsWith('free-'))?.action).toBe('evicted');
    expect(r.structuredContent!.complete).toBe(false);
    expect(await unschedulable()).toBe(false);
    expect(await podsOnNode()).toHaveLength(3);
  });

  it('drains what it may: cordons, evicts the free pod, keeps the guarded ones and says why', async () => {
    const r = await call(client, 'k8s_drain', { name: NODE, timeoutSeconds: 5 });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(asked.at(-1)!.message).toContain(`Confirm: drain node ${NODE}: cordon it and evict 3 pods`);
    expect(r.structuredContent!.complete).toBe(false);
    expect(r.structuredContent!.summary).toMatch(/is cordoned but not empty\. 2 pods are still there because .*disruption budget/);
    expect(await unschedulable()).toBe(true);
    const remaining = await waitFor(
      'the evicted pod to leave the node',
      async () => {
        const pods = (await podsOnNode()).filter((p) => !p.metadata.deletionTimestamp);
        return pods.every((p) => p.metadata.labels?.app === 'guarded') ? pods : undefined;
      },
      30_000,
      500,
    );
    expect(remaining.map((p) => p.metadata.labels?.app)).toEqual(['guarded', 'guarded']);
  });

  it('once the budget allows it, draining again empties the node', async () => {
    await k(['patch', 'pdb', 'guarded-pdb', '-n', NS, '--type=merge', '-p', '{"spec":{"minAvailable":0}}']);
    await waitFor(
      'the budget to allow disruptions',
      async () => ((JSON.parse((await k(['get', 'pdb', 'guarded-pdb', '-n', NS, '-o', 'json'])).stdout) as { status?: { disruptionsAllowed?: number } }).status?.disruptionsAllowed === 2 ? true : undefined),
      60_000,
      500,
    );
    const r = await call(client, 'k8s_drain', { name: NODE, timeoutSeconds: 30 });
    expect(r.structuredContent!.complete, textOf(r)).toBe(true);
    expect(r.structuredContent!.summary).toMatch(new RegExp(`Node ${NODE} is drained: 2 pods evicted`));
    expect(r.structuredContent!.changes).toContainEqual({ kind: 'Node', apiVersion: 'v1', name: NODE, namespace: null, action: 'already cordoned' });
    expect((await podsOnNode()).filter((p) => !p.metadata.deletionTimestamp)).toHaveLength(0);
    await call(client, 'k8s_uncordon', { name: NODE });
    expect(await unschedulable()).toBe(false);
  });
});
