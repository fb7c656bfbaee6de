import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import type { MaintenancePlan } from '../../agents/admin/maintenance.js';
import { nodeMaintenanceSkill } from '../../agents/admin/maintenance-skill.js';
import { kubectl } from '../../tools/cluster/exec.js';
import { waitFor } from '../../tools/cluster/processes.js';
import { kubernetesClient } from '../helpers/mcp.js';

/**
 * A maintenance plan on the demo cluster, over nodes of its own (kwok keeps them Ready; a taint
 * keeps other tests' pods off them): 4 replicas under a PDB allowing 1 disruption, so the node
 * the scheduler gives two of them is blocked, plus a pod without a controller. The plan's order
 * and capacity numbers are checked against what kubectl shows.
 */
const NS = 'bkp-h6-maint';
const NODES = ['bkp-h6-n1', 'bkp-h6-n2', 'bkp-h6-n3'];
const k = (args: string[], input?: string) => kubectl(inject('kubectl'), inject('kubeconfig'), args, input);

const toleration = { key: 'bkp-h6', operator: 'Equal', value: 'only', effect: 'NoSchedule' };
const podSpec = { nodeSelector: { 'bkp-h6': 'pool' }, tolerations: [toleration], containers: [{ name: 'app', image: 'nginx:1.27.3', resources: { requests: { cpu: '500m', memory: '256Mi' } } }] };

interface KPod { metadata: { name: string; namespace: string; ownerReferences?: Array<{ kind: string; controller?: boolean }> }; spec: { nodeName?: string; containers: Array<{ resources?: { requests?: { cpu?: string; memory?: string } } }> }; status: { phase: string } }

let client: Client;

beforeAll(async () => {
  await k(['delete', 'namespace', NS, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  const nodes = NODES.map((name) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, annotations: { 'kwok.x-k8s.io/node': 'fake' }, labels: { 'kubernetes.io/hostname': name, type: 'kwok', 'bkp-h6': 'pool' } },
    spec: { taints: [{ key: 'bkp-h6', value: 'only', effect: 'NoSchedule' }] },
    status: { allocatable: { cpu: '2', memory: '4Gi', pods: '10' }, capacity: { cpu: '2', memory: '4Gi', pods: '10' } },
  }));
  const objects = [
    ...nodes,
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: NS }, spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: podSpec } } },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: NS }, spec: { minAvailable: 3, selector: { matchLabels: { app: 'web' } } } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare', namespace: NS, labels: { app: 'bare' } }, spec: { ...podSpec, nodeName: NODES[2] } },
  ];
  await k(['apply', '-f', '-'], objects.map((o) => stringify(o)).join('---\n'));
  await waitFor('5 pods running', async () => ((JSON.parse((await k(['get', 'pods', '-n', NS, '-o', 'json'])).stdout) as { items: KPod[] }).items.filter((p) => p.status.phase === 'Running').length === 5 ? true : undefined), 120_000, 500);
  await waitFor('the PDB to allow 1 disruption', async () => ((JSON.parse((await k(['get', 'pdb', 'web', '-n', NS, '-o', 'json'])).stdout) as { status?: { disruptionsAllowed?: number } }).status?.disruptionsAllowed === 1 ? true : undefined), 60_000, 500);
  client = await kubernetesClient(inject('kubeconfig'));
}, 300_000);

afterAll(async () => {
  await client?.close();
  await k(['delete', 'namespace', NS, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  await k(['delete', 'node', ...NODES, '--ignore-not-found']);
});

describe('node maintenance plan on the live cluster', () => {
  it('orders the drains by PDB and evictions, and its capacity numbers match kubectl', async () => {
    const progress: string[] = [];
    const result = await nodeMaintenanceSkill(client, `plan maintenance of ${NODES.join(', ')}`, (t) => progress.push(t));
    const plan = result.data as MaintenancePlan & { skill: string };
    expect(plan.skill).toBe('node-maintenance');
    expect(plan.targets.sort()).toEqual([...NODES].sort());

    const pods = (JSON.parse((await k(['get', 'pods', '-n', NS, '-o', 'json'])).stdout) as { items: KPod[] }).items;
    const on = (node: string) => pods.filter((p) => p.spec.nodeName === node);
    const webOn = (node: string) => on(node).filter((p) => p.metadata.ownerReferences?.some((o) => o.controller));
    // What kubectl shows decides the expected plan: a node with 2+ web pods is blocked (the PDB allows 1).
    const blocked = NODES.filter((n) => webOn(n).length > 1);
    expect(blocked.length).toBeGreaterThan(0);
    const free = NODES.filter((n) => !blocked.includes(n)).sort((a, b) => on(a).length - on(b).length || a.localeCompare(b));
    expect(plan.steps.map((s) => s.node)).toEqual([...free, ...[...blocked].sort()]);
    expect(plan.blocked.sort()).toEqual([...blocked].sort());
    for (const b of blocked) expect(plan.steps.find((s) => s.node === b)!.blocked!.reason).toContain(`PDB ${NS}/web allows 1 disruption now but ${b} holds ${webOn(b).length} of its pods`);

    const bareStep = plan.steps.find((s) => s.node === NODES[2])!;
    expect(bareStep.unmanaged).toEqual([{ namespace: NS, name: 'bare' }]);
    expect(result.text).toMatch(/would be LOST \(no controller\): bkp-h6-maint\/bare/);

    for (const step of plan.steps) {
      expect(step.evicted.map((p) => p.name).sort()).toEqual(on(step.node).map((p) => p.metadata.name).sort());
      expect(step.requests).toEqual({ cpuMilli: 500 * on(step.node).length, memoryBytes: 256 * 1024 ** 2 * on(step.node).length, pods: on(step.node).length });
      // Capacity rows for the other test nodes: requests before = what kubectl shows on them; everything evicted fits there.
      for (const other of NODES.filter((n) => n !== step.node)) {
        const row = step.capacity.rows.find((r) => r.node === other)!;
        expect(row.allocatable).toEqual({ cpuMilli: 2000, memoryBytes: 4 * 1024 ** 3, pods: 10 });
        expect(row.requestedBefore).toEqual({ cpuMilli: 500 * on(other).length, memoryBytes: 256 * 1024 ** 2 * on(other).length, pods: on(other).length });
      }
      const after = NODES.filter((n) => n !== step.node).reduce((a, n) => a + step.capacity.rows.find((r) => r.node === n)!.requestedAfter.pods, 0);
      expect(after).toBe(pods.length);
      expect(step.capacity.fits).toBe(true);
      // The demo's own workers cannot take these pods (nodeSelector, taint): nothing lands there.
      for (const row of step.capacity.rows.filter((r) => !NODES.includes(r.node))) expect(row.requestedAfter).toEqual(row.requestedBefore);
      expect(step.commands).toContain(`kubectl drain ${step.node} --ignore-daemonsets --delete-emptydir-data${step.unmanaged.length ? ' --force' : ''} --timeout=300s`);
    }
    expect(result.text).toMatch(/CPU REQ BEFORE/);
    expect(progress.length).toBeGreaterThan(0);
  });

  it('asks which nodes when the request names none', async () => {
    const result = await nodeMaintenanceSkill(client, 'plan some maintenance please', () => undefined);
    expect(result.text).toMatch(/Which nodes should be maintained\?.*bkp-h6-n1/);
    expect((result.data as { error: string }).error).toBe('no-target');
  });
});
