import { describe, expect, it } from 'vitest';
import { actionFromData, actionFromText, manifestObjects } from '../../agents/guardian/action.js';
import { gatherFacts } from '../../agents/guardian/facts.js';
import { canonicalKind, type ClusterFacts, defaultPolicy, judge, type Policy, type ProposedAction } from '../../shared/policy/judge.js';

const policy = defaultPolicy();
const plain: ClusterFacts = { namespaceLabels: { default: {}, shop: { environment: 'production' }, web: { team: 'web' } }, currentReplicas: 4 };
const verdictOf = (action: ProposedAction, facts: ClusterFacts = plain, p: Policy = policy) => judge(action, p, facts);

describe('guardian policy: one test per rule', () => {
  it('protected-namespace (deny), built-in and from config', () => {
    const j = verdictOf({ verb: 'create', kind: 'ConfigMap', name: 'x', namespace: 'kube-system' });
    expect(j).toMatchObject({ verdict: 'deny', rules: ['protected-namespace'] });
    expect(j.reasons[0]).toBe('ConfigMap x is in protected namespace kube-system: no create there (no change in protected namespaces).');
    expect(verdictOf({ verb: 'patch', kind: 'Namespace', name: 'kube-public' }).verdict).toBe('deny');
    const custom = defaultPolicy(['platform']);
    expect(verdictOf({ verb: 'create', kind: 'ConfigMap', name: 'x', namespace: 'platform' }, { namespaceLabels: { platform: {} } }, custom).rules).toEqual(['protected-namespace']);
    // The crew's own namespace (config guardian.crewNamespace) is protected as well.
    const crew = defaultPolicy({ protectedNamespaces: ['platform'], crewNamespace: 'agents' });
    expect(verdictOf({ verb: 'patch', kind: 'Deployment', name: 'guardian', namespace: 'agents' }, { namespaceLabels: { agents: {} } }, crew).rules).toEqual(['protected-namespace']);
    expect(verdictOf({ verb: 'patch', kind: 'Deployment', name: 'guardian', namespace: 'k8s-experts' }, { namespaceLabels: { 'k8s-experts': {} } }).verdict).toBe('deny');
    // Reads are not changes.
    expect(verdictOf({ verb: 'get', kind: 'Pod', namespace: 'kube-system' }).verdict).toBe('allow');
  });

  it('forbidden-delete (deny): namespaces, persistent volumes, CRDs', () => {
    for (const kind of ['Namespace', 'pv', 'crd']) {
      const j = verdictOf({ verb: 'delete', kind: canonicalKind(kind), name: 'payments' });
      expect(j.verdict, kind).toBe('deny');
      expect(j.rules).toEqual(['forbidden-delete']);
    }
    // The approval rule matched too; it stays in findings.
    expect(verdictOf({ verb: 'delete', kind: 'Namespace', name: 'payments' }).findings.map((f) => f.rule)).toEqual(['forbidden-delete', 'delete-needs-approval']);
  });

  it('cluster-admin-binding (deny), from a manifest or a flag', () => {
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'b' }, roleRef: { kind: 'ClusterRole', name: 'cluster-admin' } };
    expect(verdictOf({ verb: 'apply', objects: [binding] }).rules).toEqual(['cluster-admin-binding']);
    expect(verdictOf({ verb: 'create', kind: 'ClusterRoleBinding', clusterRole: 'cluster-admin' }).verdict).toBe('deny');
    expect(verdictOf({ verb: 'apply', objects: [{ ...binding, roleRef: { name: 'view' } }] }).verdict).toBe('allow');
  });

  it('privileged-pod: deny in restricted namespaces, approval elsewhere; in pods, workload templates and cron job templates', () => {
    const container = (securityContext: object) => ({ name: 'c', image: 'x', securityContext });
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [container({ privileged: true })] } };
    const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' }, spec: { template: { spec: { initContainers: [container({ capabilities: { add: ['SYS_ADMIN'] } })], containers: [] } } } };
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'default' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [container({ privileged: true })] } } } } } };
    // default carries no Pod Security label: a person decides.
    for (const o of [pod, deploy, cron]) expect(verdictOf({ verb: 'create', objects: [o] }), o.kind).toMatchObject({ verdict: 'require-approval', rules: ['privileged-pod-approval'] });
    expect(verdictOf({ verb: 'create', objects: [{ ...pod, spec: { containers: [container({ privileged: false })] } }] }).verdict).toBe('allow');
    // Pod Security baseline or restricted: forbidden, and the reason names the label.
    for (const level of ['baseline', 'restricted']) {
      const j = verdictOf({ verb: 'create', objects: [{ ...pod, metadata: { name: 'p', namespace: 'secure' } }] }, { namespaceLabels: { secure: { 'pod-security.kubernetes.io/enforce': level } } });
      expect(j, level).toMatchObject({ verdict: 'deny', rules: ['privileged-pod'] });
      expect(j.reasons[0]).toBe(`A privileged container (privileged: true, or SYS_ADMIN/ALL capabilities) can take over its node, and namespace secure is restricted (labelled pod-security.kubernetes.io/enforce=${level}): forbidden.`);
    }
    expect(verdictOf({ verb: 'create', objects: [{ ...pod, metadata: { name: 'p', namespace: 'lab' } }] }, { namespaceLabels: { lab: { 'pod-security.kubernetes.io/enforce': 'privileged' } } }).rules).toEqual(['privileged-pod-approval']);
    // Labels that cannot be read count as restricted, and the reason says so.
    const unknown = verdictOf({ verb: 'create', kind: 'Pod', namespace: 'elsewhere', privileged: true }, {});
    expect(unknown).toMatchObject({ verdict: 'deny', rules: ['privileged-pod'] });
    expect(unknown.reasons[0]).toContain('the labels of namespace elsewhere could not be read, so it is treated as restricted');
    // The crew's namespace is restricted too.
    expect(verdictOf({ verb: 'create', kind: 'Pod', namespace: 'k8s-experts', privileged: true }, { namespaceLabels: { 'k8s-experts': {} } }).rules).toEqual(['protected-namespace', 'privileged-pod']);
  });

  it('delete-needs-approval, scale-to-zero, large-replica-change, many-objects (require-approval)', () => {
    expect(verdictOf({ verb: 'delete', kind: 'Pod', name: 'web-1', namespace: 'default' })).toMatchObject({ verdict: 'require-approval', rules: ['delete-needs-approval'] });
    expect(verdictOf({ verb: 'scale', kind: 'Deployment', name: 'web', namespace: 'default', replicas: 0 })).toMatchObject({ verdict: 'require-approval', rules: ['scale-to-zero'] });
    const big = verdictOf({ verb: 'scale', kind: 'Deployment', name: 'web', namespace: 'default', replicas: 7 });
    expect(big).toMatchObject({ verdict: 'require-approval', rules: ['large-replica-change'] });
    expect(big.reasons[0]).toBe('Scaling Deployment web from 4 to 7 changes replicas by 75%, more than 50%: a person must approve it.');
    expect(verdictOf({ verb: 'scale', kind: 'Deployment', name: 'web', namespace: 'default', replicas: 6 }).verdict).toBe('allow');
    expect(verdictOf({ verb: 'scale', kind: 'Deployment', name: 'web', namespace: 'default', replicas: 2 }).verdict).toBe('allow');
    expect(verdictOf({ verb: 'scale', kind: 'Deployment', name: 'web', namespace: 'default', replicas: 1 }).rules).toEqual(['large-replica-change']);
    // Unknown current replicas: cautious.
    expect(verdictOf({ verb: 'scale', kind: 'Deployment', name: 'web', namespace: 'default', replicas: 3 }, { namespaceLabels: { default: {} } }).verdict).toBe('require-approval');
    const objects = Array.from({ length: 11 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}`, namespace: 'default' } }));
    expect(verdictOf({ verb: 'create', objects })).toMatchObject({ verdict: 'require-approval', rules: ['many-objects'] });
    expect(verdictOf({ verb: 'create', objects: objects.slice(0, 10) }).verdict).toBe('allow');
  });

  it('production-namespace (require-approval): labelled environment=production, or labels unknown', () => {
    expect(verdictOf({ verb: 'create', kind: 'ConfigMap', name: 'x', namespace: 'shop' })).toMatchObject({ verdict: 'require-approval', rules: ['production-namespace'] });
    expect(verdictOf({ verb: 'create', kind: 'ConfigMap', name: 'x', namespace: 'web' }).verdict).toBe('allow');
    const unknown = verdictOf({ verb: 'create', kind: 'ConfigMap', name: 'x', namespace: 'elsewhere' });
    expect(unknown.verdict).toBe('require-approval');
    expect(unknown.reasons[0]).toContain('could not be read');
    // A namespace that does not exist yet is not production.
    expect(verdictOf({ verb: 'create', kind: 'ConfigMap', name: 'x', namespace: 'new' }, { namespaceLabels: { new: null } }).verdict).toBe('allow');
  });

  it('unknown-write (require-approval); allow for reads and additive creates elsewhere', () => {
    expect(verdictOf({ verb: 'exec', kind: 'Pod', name: 'p', namespace: 'default' }).rules).toEqual(['unknown-write']);
    expect(verdictOf({ verb: 'frobnicate', kind: 'Pod', name: 'p', namespace: 'default' }).verdict).toBe('require-approval');
    const ok = verdictOf({ verb: 'create', kind: 'ConfigMap', name: 'settings', namespace: 'default' });
    expect(ok).toMatchObject({ verdict: 'allow', rules: [] });
    expect(ok.reasons[0]).toMatch(/^Creating ConfigMap settings in namespace default only adds/);
    expect(verdictOf({ verb: 'list', kind: 'Secret', namespace: 'kube-system' }).reasons).toEqual(['A list only reads: allowed.']);
  });

  it('the rules are plain data (a YAML file can replace them)', () => {
    const json = JSON.parse(JSON.stringify(policy)) as Policy;
    expect(json).toEqual(policy);
    const noDeletes: Policy = { rules: [{ id: 'no-deletes', effect: 'deny', type: 'verb', verbs: ['delete'], description: 'x' }] };
    expect(verdictOf({ verb: 'delete', kind: 'Pod', name: 'a', namespace: 'default' }, plain, noDeletes)).toMatchObject({ verdict: 'deny', rules: ['no-deletes'] });
  });

  it('odd actions never throw', () => {
    const odd: ProposedAction[] = [{ verb: '' }, { verb: 'delete' }, { verb: 'scale', replicas: -1 }, { verb: 'create', objects: [{}, { kind: 5 }, { metadata: { name: 7 } }] as never }, { verb: 'x'.repeat(1000) }];
    for (const a of odd) expect(() => verdictOf(a, {})).not.toThrow();
  });
});

describe('guardian: actions from data parts and text', () => {
  it('parses text requests', () => {
    expect(actionFromText('May I delete namespace payments?')).toEqual({ source: 'text', action: { verb: 'delete', kind: 'Namespace', name: 'payments' } });
    expect(actionFromText('Is it safe to scale cart to 0?')).toEqual({ source: 'text', action: { verb: 'scale', kind: 'Deployment', name: 'cart', replicas: 0 } });
    expect(actionFromText('Can I scale deployment web down to zero in shop?')).toMatchObject({ action: { verb: 'scale', name: 'web', replicas: 0, namespace: 'shop' } });
    expect(actionFromText('May I create a configmap in shop?')).toMatchObject({ action: { verb: 'create', kind: 'ConfigMap', namespace: 'shop' } });
    expect(actionFromText('delete pod web-1 in namespace kube-system')).toMatchObject({ action: { verb: 'delete', kind: 'Pod', name: 'web-1', namespace: 'kube-system' } });
    expect(actionFromText('Run a privileged pod in default')).toMatchObject({ action: { verb: 'create', kind: 'Pod', privileged: true } });
    expect(actionFromText('bind cluster-admin to user bob')).toMatchObject({ action: { verb: 'create', kind: 'ClusterRoleBinding', clusterRole: 'cluster-admin' } });
    expect(actionFromText('create a pod that will delete things')).toMatchObject({ action: { verb: 'create' } });
    expect(actionFromText('Is it safe to drain node worker-1?')).toMatchObject({ action: { verb: 'drain', kind: 'Node', name: 'worker-1' } });
    expect(actionFromText('What is the capital of France?')).toEqual({ error: 'I could not tell which action you propose' });
  });

  it('parses data parts, refusing malformed ones with the field', () => {
    expect(actionFromData([{ skill: 'verdict' }, { action: { verb: 'DELETE', kind: 'pv', name: 'data-1' } }])).toEqual({ source: 'data', action: { verb: 'delete', kind: 'PersistentVolume', name: 'data-1', namespace: undefined, replicas: undefined, privileged: undefined, clusterRole: undefined } });
    expect(actionFromData([{ other: 1 }])).toBeUndefined();
    expect(actionFromData([{ action: { verb: 'scale', replicas: -3 } }])).toEqual({ error: expect.stringContaining('action.replicas') as unknown });
    expect(actionFromData([{ action: null }])).toEqual({ error: expect.stringContaining('the action is not valid') as unknown });
    expect(actionFromData([{ action: { verb: 'apply', manifest: 'kind: [' } }])).toEqual({ error: expect.stringContaining('not valid YAML') as unknown });
    const list = actionFromData([{ action: { verb: 'apply', manifest: { kind: 'List', items: [{ kind: 'ConfigMap', metadata: { name: 'a' } }, { kind: 'Secret', metadata: { name: 'b' } }] } } }]);
    expect('action' in list! && list.action.objects?.map((o) => o.kind)).toEqual(['ConfigMap', 'Secret']);
    expect(manifestObjects('a: 1\n---\n- not an object')).toEqual({ error: 'the manifest holds something that is not an object' });
  });

  it('odd text never throws', () => {
    for (const input of ['', '\u0000', 'delete', 'scale to', 'in in in namespace', 'a'.repeat(10_000), undefined as unknown as string]) {
      expect(() => actionFromText(input)).not.toThrow();
    }
  });

  it('without a cluster, facts stay unknown and the verdict is cautious', async () => {
    const { action, facts, notes } = await gatherFacts(undefined, { verb: 'create', kind: 'ConfigMap', name: 'x' });
    expect(action.namespace).toBe('default');
    expect(notes[0]).toContain('could not be read');
    expect(judge(action, policy, facts).verdict).toBe('require-approval');
  });
});

describe('guardian: manifests without a namespace', () => {
  it('are judged for namespace default (where they would land)', async () => {
    const objects = [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx' } }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }];
    const { action, notes } = await gatherFacts(undefined, { verb: 'apply', objects });
    expect(action.namespace).toBe('default');
    expect(notes).toContain('1 object names no namespace: judged for namespace default.');
    expect(judge(action, policy, { namespaceLabels: { default: {} } }).verdict).toBe('allow');
    expect(judge(action, policy, { namespaceLabels: { default: { environment: 'production' } } }).verdict).toBe('require-approval');
  });
});
