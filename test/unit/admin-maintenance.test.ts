import { describe, expect, it } from 'vitest';
import { checkCapacity, cpuMilli, type MaintenanceNode, type MaintenancePdb, type MaintenancePod, memoryBytes, planMaintenance, renderMaintenancePlan } from '../../agents/admin/maintenance.js';
import { toPod } from '../../agents/admin/maintenance-reads.js';
import { maintenanceTargets } from '../../agents/admin/maintenance-skill.js';
import { renderTable } from '../../shared/table.js';

const node = (name: string, extra: Partial<MaintenanceNode> = {}): MaintenanceNode => ({ name, labels: {}, taints: [], unschedulable: false, ready: true, allocatable: { cpuMilli: 2000, memoryBytes: 4 * 1024 ** 3, pods: 10 }, ...extra });
const pod = (name: string, nodeName: string, extra: Partial<MaintenancePod> = {}): MaintenancePod => ({
  namespace: 'app', name, nodeName, phase: 'Running', labels: { app: 'web' }, controller: { kind: 'ReplicaSet', name: 'web-1' }, mirror: false, emptyDir: false,
  requests: { cpuMilli: 500, memoryBytes: 512 * 1024 ** 2 }, nodeSelector: {}, tolerations: [], hasAffinity: false, ...extra,
});
const pdb = (disruptionsAllowed: number, extra: Partial<MaintenancePdb> = {}): MaintenancePdb => ({ namespace: 'app', name: 'web', selector: { matchLabels: { app: 'web' } }, disruptionsAllowed, ...extra });

describe('quantities', () => {
  it('reads CPU and memory as the API writes them', () => {
    expect([cpuMilli('250m'), cpuMilli('2'), cpuMilli('1.5'), cpuMilli(undefined)]).toEqual([250, 2000, 1500, 0]);
    expect([memoryBytes('128Mi'), memoryBytes('1G'), memoryBytes('1e3'), memoryBytes('2Ki')]).toEqual([128 * 1024 ** 2, 1e9, 1000, 2048]);
  });

  it('counts a pod as the scheduler does: containers summed, the largest init container if bigger', () => {
    const p = toPod({ metadata: { name: 'p', namespace: 'n' }, spec: { nodeName: 'w1', containers: [{ resources: { requests: { cpu: '100m', memory: '64Mi' } } }, { resources: { requests: { cpu: '200m' } } }], initContainers: [{ resources: { requests: { cpu: '1', memory: '16Mi' } } }] }, status: { phase: 'Running' } });
    expect(p.requests).toEqual({ cpuMilli: 1000, memoryBytes: 64 * 1024 ** 2 });
    expect(p.controller).toBeUndefined();
  });
});

describe('maintenance plan', () => {
  it('blocks a node whose drain would violate a PDB now, puts it last, and says how to fix it', () => {
    const nodes = [node('w1'), node('w2'), node('w3')];
    const pods = [pod('web-a', 'w1'), pod('web-b', 'w1'), pod('web-c', 'w2'), pod('other', 'w3', { labels: { app: 'other' } })];
    const plan = planMaintenance({ targets: ['w1', 'w2', 'w3'], nodes, pods, pdbs: [pdb(1)] });
    expect(plan.steps.map((s) => s.node)).toEqual(['w2', 'w3', 'w1']);
    expect(plan.blocked).toEqual(['w1']);
    const w1 = plan.steps.find((s) => s.node === 'w1')!;
    expect(w1.blocked?.reason).toMatch(/PDB app\/web allows 1 disruption now but w1 holds 2 of its pods/);
    expect(w1.blocked?.fix).toMatch(/allowed disruptions ≥ 2/);
    // w2 also holds a pod of the PDB that w1 holds: wait for it to allow disruptions again before the next drain.
    const w2 = plan.steps[0]!;
    expect(w2.pdbs).toEqual([{ namespace: 'app', name: 'web', podsHere: 1, disruptionsAllowed: 1, alsoOn: ['w1'] }]);
    expect(w2.commands).toContain('kubectl wait --for=condition=DisruptionAllowed pdb/web -n app --timeout=300s');
    expect(w2.commands).toContain('kubectl drain w2 --ignore-daemonsets --delete-emptydir-data --timeout=300s');
    expect(plan.summary).toMatch(/Blocked by PodDisruptionBudgets now: w1/);
  });

  it('reads a PDB selector as policy/v1 does: empty selects every pod of its namespace, none selects nothing', () => {
    const run = (selector: MaintenancePdb['selector']) => planMaintenance({ targets: ['w1'], nodes: [node('w1'), node('w2')], pods: [pod('web-a', 'w1', { labels: {} })], pdbs: [pdb(0, { selector })] }).steps[0]!.blocked;
    expect(run({})).toBeDefined();
    expect(run(undefined)).toBeUndefined();
  });

  it('blocks every node holding pods of a PDB that allows no disruption', () => {
    const plan = planMaintenance({ targets: ['w1'], nodes: [node('w1'), node('w2')], pods: [pod('web-a', 'w1')], pdbs: [pdb(0)] });
    expect(plan.steps[0]!.blocked?.reason).toMatch(/allows 0 disruptions now.*wait forever/);
  });

  it('ignores DaemonSet pods, flags pods without a controller and emptyDir data, and orders by fewest evictions', () => {
    const nodes = [node('w1'), node('w2'), node('w3')];
    const pods = [
      pod('ds-1', 'w1', { controller: { kind: 'DaemonSet', name: 'ds' } }), pod('bare', 'w1', { controller: undefined }), pod('cache', 'w1', { emptyDir: true }),
      pod('ds-2', 'w2', { controller: { kind: 'DaemonSet', name: 'ds' } }), pod('one', 'w2'),
    ];
    const plan = planMaintenance({ targets: ['w1', 'w2'], nodes, pods, pdbs: [] });
    expect(plan.steps.map((s) => s.node)).toEqual(['w2', 'w1']);
    const w1 = plan.steps[1]!;
    expect(w1.daemonSetPods).toBe(1);
    expect(w1.evicted.map((p) => p.name)).toEqual(['bare', 'cache']);
    expect(w1.unmanaged.map((p) => p.name)).toEqual(['bare']);
    expect(w1.emptyDir.map((p) => p.name)).toEqual(['cache']);
    expect(w1.commands[1]).toContain('--force');
    expect(plan.summary).toMatch(/1 pod has no controller and would be lost: app\/bare/);
  });

  it('finds a capacity shortfall: requests that no remaining node can take', () => {
    const nodes = [node('w1'), node('w2', { allocatable: { cpuMilli: 1000, memoryBytes: 4 * 1024 ** 3, pods: 10 } })];
    const pods = [pod('big', 'w1', { requests: { cpuMilli: 800, memoryBytes: 0 } }), pod('small', 'w1', { requests: { cpuMilli: 300, memoryBytes: 0 } }), pod('resident', 'w2', { requests: { cpuMilli: 100, memoryBytes: 0 } })];
    const check = checkCapacity(pods.filter((p) => p.nodeName === 'w1'), 'w1', nodes, pods);
    expect(check.fits).toBe(false);
    expect(check.unplaced.map((p) => p.name)).toEqual(['small']);
    expect(check.unplaced[0]!.why).toMatch(/w2: not enough cpu/);
    expect(check.rows).toEqual([{ node: 'w2', allocatable: nodes[1]!.allocatable, requestedBefore: { cpuMilli: 100, memoryBytes: 0, pods: 1 }, requestedAfter: { cpuMilli: 900, memoryBytes: 0, pods: 2 } }]);
  });

  it('honours nodeSelector, taints and cordoned nodes when placing', () => {
    const nodes = [node('w1'), node('gpu', { labels: { gpu: 'yes' }, taints: [{ key: 'gpu', effect: 'NoSchedule' }] }), node('off', { unschedulable: true })];
    const evicted = [pod('needs-gpu', 'w1', { nodeSelector: { gpu: 'yes' } }), pod('plain', 'w1')];
    const check = checkCapacity(evicted, 'w1', nodes, evicted);
    expect(check.rows.map((r) => r.node)).toEqual(['gpu']);
    expect(check.unplaced.map((p) => p.name).sort()).toEqual(['needs-gpu', 'plain']);
    const tolerated = checkCapacity([pod('needs-gpu', 'w1', { nodeSelector: { gpu: 'yes' }, tolerations: [{ key: 'gpu', operator: 'Exists' }] })], 'w1', nodes, []);
    expect(tolerated.fits).toBe(true);
  });

  it('renders steps, commands and a capacity table', () => {
    const plan = planMaintenance({ targets: ['w1'], nodes: [node('w1'), node('w2')], pods: [pod('a', 'w1')], pdbs: [] });
    const text = renderMaintenancePlan(plan, renderTable);
    expect(text).toContain('kubectl cordon w1');
    expect(text).toContain('kubectl uncordon w1');
    expect(text).toMatch(/NODE\s+CPU ALLOC\s+CPU REQ BEFORE\s+CPU REQ AFTER/);
    expect(text).toMatch(/w2\s+2\s+0\s+0\.5/);
  });
});

describe('maintenance targets', () => {
  it('reads "all nodes" as a rolling plan, or the node names a request mentions', () => {
    const names = ['worker-1', 'worker-2', 'worker-3'];
    expect(maintenanceTargets('plan a rolling upgrade of all nodes', names)).toEqual(names);
    expect(maintenanceTargets('drain worker-2 and worker-3 for maintenance', names)).toEqual(['worker-2', 'worker-3']);
    expect(maintenanceTargets('drain worker-21', names)).toEqual([]);
  });
});
