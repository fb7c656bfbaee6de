import { describe, expect, it } from 'vitest';
import { desiredOf } from '../../agents/admin/cluster.js';
import { type NodeRecord, nodeHealth, nodeHealthReport, renderNode } from '../../agents/admin/nodes.js';
import { ADMIN_SKILLS, chooseAdminSkill } from '../../agents/admin/skills.js';
import { requestedSkill } from '../../shared/a2a/agent.js';
import { REMOVED_APIS, renderUpgradeReport, type UpgradeInputs, upgradeReadiness } from '../../agents/admin/upgrade.js';
import { minorsBehind, parseVersion, versionReport } from '../../agents/admin/versions.js';
import { loadCardSpec } from '../../shared/a2a/card.js';

const ready = (name: string, version = 'v1.34.4', extra: Partial<NodeRecord> = {}): NodeRecord => ({
  name,
  version,
  status: 'Ready',
  capacity: { cpu: '4', memory: '16Gi', pods: '110' },
  allocatable: { cpu: '4', memory: '16Gi', pods: '110' },
  conditions: [
    { type: 'Ready', status: 'True', reason: 'KubeletReady', message: '' },
    { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: '' },
  ],
  taints: [],
  unschedulable: false,
  ...extra,
});

describe('admin skills', () => {
  it('are exactly the skills of cards/admin.json', () => {
    expect(loadCardSpec('admin').skills.map((s) => s.id)).toEqual([...ADMIN_SKILLS]);
  });

  it('a data part wins; rules pick from the text; nothing fits → undefined', () => {
    expect(requestedSkill([{ skill: 'node-health' }], ADMIN_SKILLS)).toEqual({ skill: 'node-health' });
    expect(requestedSkill([{ skill: 'backup' }], ADMIN_SKILLS)).toEqual({ unknown: 'backup' });
    expect(requestedSkill([null, 'x', { skill: 3 }], ADMIN_SKILLS)).toBeUndefined();
    const cases: Array<[string, string | undefined]> = [
      ['Which Kubernetes version runs the cluster?', 'cluster-versions'],
      ['Are all nodes on the same kubelet version?', 'cluster-versions'],
      ['Are all nodes healthy?', 'node-health'],
      ['Which nodes are cordoned?', 'node-health'],
      ['How much capacity does worker-1 have left?', 'node-health'],
      ['Is the cluster ready to upgrade?', 'upgrade-readiness'],
      ['What blocks an upgrade to the next Kubernetes version?', 'upgrade-readiness'],
      ['Which deprecated APIs do we use?', 'upgrade-readiness'],
      ['How do I back up etcd on this cluster?', 'etcd-backup'],
      ['Take an etcd snapshot before the upgrade', 'etcd-backup'],
      ['Which certificates expire soon?', 'certificates'],
      ['Is any TLS secret expired?', 'certificates'],
      ['When does the API server cert expire?', 'certificates'],
      ['Compose a haiku about autumn leaves', undefined],
    ];
    for (const [q, skill] of cases) expect(chooseAdminSkill(q), q).toBe(skill);
  });
});

describe('versions and skew (pure)', () => {
  it('parses versions with prefixes and suffixes, and refuses junk', () => {
    expect(parseVersion('v1.34.4')).toMatchObject({ major: 1, minor: 34, patch: 4 });
    expect(parseVersion('1.30.2-gke.1100')).toMatchObject({ minor: 30, patch: 2 });
    expect(parseVersion('v1.29.0+k3s1')).toMatchObject({ minor: 29 });
    expect(parseVersion('banana')).toBeUndefined();
    expect(parseVersion(undefined)).toBeUndefined();
    expect(minorsBehind(parseVersion('v1.31.0'), parseVersion('v1.34.4'))).toBe(3);
    expect(minorsBehind(parseVersion('v2.0.0'), parseVersion('v1.34.4'))).toBeUndefined();
  });

  it('one version everywhere is within the policy', () => {
    const r = versionReport('v1.34.4', [ready('a'), ready('b')]);
    expect(r).toMatchObject({ apiServer: 'v1.34.4', skewOk: true, distinctKubeletVersions: ['v1.34.4'] });
    expect(r.summary).toBe('The API server runs Kubernetes v1.34.4; all 2 kubelets run v1.34.4 — within the version skew policy.');
  });

  it('a kubelet newer than the API server, or more than 3 minors behind, breaks the policy', () => {
    const r = versionReport('v1.34.4', [ready('a', 'v1.35.0'), ready('b', 'v1.30.9'), ready('c', 'v1.31.0'), ready('d', 'junk')]);
    expect(r.skewOk).toBe(false);
    expect(r.kubelets.map((k) => [k.node, k.ok])).toEqual([['a', false], ['b', false], ['c', true], ['d', false]]);
    expect(r.kubelets[1]!.problem).toContain('4 minor versions behind');
    expect(r.summary).toContain('outside the skew policy');
  });

  it('an unknown API server version and odd node lists do not crash', () => {
    expect(versionReport(undefined, [ready('a')]).summary).toContain('The API server version is unknown');
    expect(versionReport('v1.34.4', null as never).kubelets).toEqual([]);
    expect(versionReport('v1.34.4', [{} as never, null as never]).kubelets).toHaveLength(2);
  });
});

describe('node health (pure)', () => {
  it('Ready, capacity and pods per node', () => {
    const r = nodeHealthReport([ready('a'), ready('b')], { a: 4, b: 5 }, { a: { cpuCores: 1, memoryBytes: 1024 ** 3 } });
    expect(r).toMatchObject({ ready: 2, total: 2, cordoned: [] });
    expect(r.nodes[0]).toMatchObject({ name: 'a', healthy: true, pods: 4, podCapacity: 110, usage: { cpuFreeCores: 3, memoryFreeBytes: 15 * 1024 ** 3 } });
    expect(r.summary).toBe('2/2 nodes Ready, none cordoned; all healthy.');
    expect(renderNode(r.nodes[0]!)).toContain('pods: 4/110; taints: none');
  });

  it('NotReady, pressure, cordoned and tainted nodes are named', () => {
    const sick = ready('b', 'v1.34.4', { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'PLEG is not healthy' }, { type: 'DiskPressure', status: 'True', reason: 'KubeletHasDiskPressure' }] });
    const cordoned = ready('c', 'v1.34.4', { unschedulable: true, taints: ['node.kubernetes.io/unschedulable:NoSchedule'] });
    const r = nodeHealthReport([ready('a'), sick, cordoned]);
    expect(r.ready).toBe(2);
    expect(r.cordoned).toEqual(['c']);
    expect(r.nodes[1]!.problems).toEqual(['Ready=False (KubeletNotReady: PLEG is not healthy)', 'DiskPressure=True (KubeletHasDiskPressure)']);
    expect(r.summary).toContain('needing attention: b (Ready=False');
    expect(r.summary).toContain('c (cordoned)');
  });

  it('odd node records do not crash', () => {
    expect(nodeHealth({} as NodeRecord)).toMatchObject({ name: '<unnamed>', ready: false, problems: ['Ready=missing'] });
    expect(nodeHealth({ conditions: null, taints: null, allocatable: { pods: 'many' } } as never).podCapacity).toBeUndefined();
    expect(nodeHealthReport(null as never).summary).toBe('The cluster reports no nodes.');
  });
});

describe('upgrade readiness (pure)', () => {
  const base: UpgradeInputs = { apiServerVersion: 'v1.34.4', nodes: [ready('a'), ready('b')], pdbs: [], workloads: [], pendingPods: [], apiResources: [] };

  it('a clean cluster is ready, with the target version and no findings', () => {
    const r = upgradeReadiness(base);
    expect(r).toMatchObject({ current: 'v1.34.4', target: 'v1.35', ready: true, findings: [] });
    expect(renderUpgradeReport(r, REMOVED_APIS.length)).toContain('No served API is removed in v1.35');
  });

  it('finds each kind of problem with a severity and a fix', () => {
    const r = upgradeReadiness({
      apiServerVersion: 'v1.31.2',
      nodes: [ready('a', 'v1.31.2'), ready('old', 'v1.28.5'), ready('down', 'v1.31.2', { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown' }] }), ready('cord', 'v1.31.2', { unschedulable: true })],
      pdbs: [{ namespace: 'shop', name: 'redis', allowedDisruptions: 0 }, { namespace: 'shop', name: 'cart', allowedDisruptions: 1 }, { namespace: 'x', name: 'weird', allowedDisruptions: null }],
      workloads: [{ kind: 'Deployment', namespace: 'shop', name: 'redis', replicas: 1 }, { kind: 'Deployment', namespace: 'shop', name: 'cart', replicas: 2 }, { kind: 'StatefulSet', namespace: 'shop', name: 'pg', replicas: null }],
      pendingPods: [{ namespace: 'data', name: 'ml', node: '<none>' }, { namespace: 'shop', name: 'cat', node: 'a' }],
      apiResources: [{ apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kind: 'FlowSchema' }, { apiVersion: 'apps/v1', kind: 'Deployment' }],
    });
    const by = (check: string) => r.findings.filter((f) => f.check === check);
    expect(r.target).toBe('v1.32');
    expect(r.ready).toBe(false);
    expect(by('version-skew')).toEqual([expect.objectContaining({ severity: 'blocker', objects: ['old v1.28.5'] })]);
    expect(by('node-not-ready')[0]).toMatchObject({ severity: 'blocker', objects: ['down'] });
    expect(by('node-cordoned')[0]).toMatchObject({ severity: 'warning', objects: ['cord'] });
    expect(by('pdb-blocks-drain')[0]).toMatchObject({ severity: 'blocker', objects: ['shop/redis'] });
    expect(by('single-replica')[0]).toMatchObject({ severity: 'warning', objects: ['deployment/shop/redis'] });
    expect(by('pending-pods').map((f) => [f.severity, f.objects])).toEqual([['warning', ['data/ml']], ['info', ['shop/cat']]]);
    expect(by('removed-apis')[0]).toMatchObject({ severity: 'blocker', objects: ['FlowSchema flowcontrol.apiserver.k8s.io/v1beta3 (removed in v1.32)'] });
    expect(by('removed-apis')[0]!.fix).toContain('flowcontrol.apiserver.k8s.io/v1');
    expect(r.summary).toMatch(/^Not ready to upgrade from v1\.31\.2 to v1\.32: 4 blocker\(s\)/);
    for (const f of r.findings) expect(f.fix.length).toBeGreaterThan(10);
  });

  it('an API removed in a later release than the next one is not flagged yet', () => {
    const r = upgradeReadiness({ ...base, apiServerVersion: 'v1.30.0', nodes: [ready('a', 'v1.30.0')], apiResources: [{ apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kind: 'FlowSchema' }] });
    expect(r.findings.find((f) => f.check === 'removed-apis')).toBeUndefined();
  });

  it('unknown versions and odd inputs do not crash', () => {
    const r = upgradeReadiness({ apiServerVersion: undefined, nodes: null as never, pdbs: [null as never], workloads: [null as never], pendingPods: [null as never], apiResources: null as never });
    expect(r.target).toBeUndefined();
    expect(r.findings.map((f) => f.check)).toEqual(['version-skew']);
    expect(desiredOf('1/3')).toBe(3);
    expect(desiredOf(null)).toBeUndefined();
  });
});
