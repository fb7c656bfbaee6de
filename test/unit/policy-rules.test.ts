import { describe, expect, it } from 'vitest';
import { type ClusterFacts, defaultPolicy, judge, type Policy, type ProposedAction, type Rule } from '../../shared/policy/judge.js';

const facts: ClusterFacts = { namespaceLabels: { default: {}, shop: { environment: 'production' }, web: { team: 'web' } }, currentReplicas: 4 };
const only = (...rules: Rule[]): Policy => ({ rules });
const verdictOf = (action: ProposedAction, policy: Policy, f: ClusterFacts = facts) => judge(action, policy, f);
const base = { description: 'test rule' };

describe('rbac-escalation', () => {
  const policy = defaultPolicy();
  const role = (rules: object[], kind = 'ClusterRole') => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'r', ...(kind === 'Role' ? { namespace: 'default' } : {}) }, rules });
  const binding = (roleRef: object, subjects: object[], kind = 'ClusterRoleBinding') => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'b', ...(kind === 'RoleBinding' ? { namespace: 'default' } : {}) }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects });

  it('require-approval: each powerful grant is named with its object and rule index', () => {
    const cases: Array<[object, string]> = [
      [{ apiGroups: ['apps'], resources: ['*'], verbs: ['get'] }, 'ClusterRole r, rule 0: grants get on every resource ("*")'],
      [{ apiGroups: [''], resources: ['configmaps'], verbs: ['*'] }, 'ClusterRole r, rule 0: grants every verb on configmaps ("*")'],
      [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['escalate', 'bind'] }, 'can escalate (grant permissions it does not hold); bind roles it does not hold'],
      [{ apiGroups: [''], resources: ['users', 'groups'], verbs: ['impersonate'] }, 'can impersonate other users, groups or service accounts'],
      [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }, 'can read Secrets (get, list): their values are credentials'],
      [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }, 'can run commands in pods (pods/exec)'],
      [{ apiGroups: [''], resources: ['pods/attach'], verbs: ['create'] }, 'can attach to running containers (pods/attach)'],
      [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }, 'can reach the kubelet API (nodes/proxy)'],
      [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }, 'can mint service account tokens'],
      [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['create', 'patch'] }, 'can change RBAC (create, patch on rolebindings)'],
    ];
    for (const [rule, reason] of cases) {
      const j = verdictOf({ verb: 'apply', objects: [role([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }, rule])] }, policy);
      expect(j.verdict, reason).toBe('require-approval');
      expect(j.rules).toEqual(['rbac-escalation']);
      // The harmless rule 0 is not named; the dangerous one (index 1) is.
      expect(j.reasons[0], reason).toContain(reason.replace('rule 0', 'rule 1'));
      expect(j.reasons[0]).toMatch(/rule 1: .*: a person must approve it\.$/);
    }
    const admin = verdictOf({ verb: 'create', objects: [binding({ kind: 'ClusterRole', name: 'edit' }, [{ kind: 'User', name: 'bob' }])] }, policy);
    expect(admin).toMatchObject({ verdict: 'require-approval', rules: ['rbac-escalation'] });
    expect(admin.reasons[0]).toBe('ClusterRoleBinding b: binds ClusterRole edit cluster-wide: write access to most objects in every namespace, Secrets included: a person must approve it.');
    // An RBAC change whose manifest is not shown cannot be checked: approval.
    expect(verdictOf({ verb: 'patch', kind: 'ClusterRole', name: 'r' }, policy).reasons[0]).toContain('cannot be seen without its manifest');
  });

  it('deny: grants to anonymous, unauthenticated or all authenticated users', () => {
    for (const subject of [{ kind: 'Group', name: 'system:anonymous' }, { kind: 'User', name: 'system:anonymous' }, { kind: 'Group', name: 'system:unauthenticated' }, { kind: 'Group', name: 'system:authenticated' }]) {
      const j = verdictOf({ verb: 'apply', objects: [binding({ kind: 'ClusterRole', name: 'view' }, [{ kind: 'User', name: 'bob' }, subject], 'RoleBinding')] }, policy);
      expect(j, subject.name).toMatchObject({ verdict: 'deny', rules: ['rbac-public-grant'] });
      expect(j.reasons[0]).toMatch(new RegExp(`^RoleBinding b, subject 1: grants ClusterRole view to ${subject.kind.toLowerCase()} ${subject.name} \\(.+\\): forbidden\\.$`));
    }
  });

  it('allow: narrow grants, deletes of RBAC objects', () => {
    const narrow = role([{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }, { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['patch'] }], 'Role');
    expect(verdictOf({ verb: 'apply', objects: [narrow] }, policy)).toMatchObject({ verdict: 'allow', rules: [] });
    expect(verdictOf({ verb: 'apply', objects: [binding({ kind: 'Role', name: 'reader' }, [{ kind: 'ServiceAccount', name: 'app', namespace: 'default' }], 'RoleBinding')] }, policy).verdict).toBe('allow');
    // Secrets in another API group are not core Secrets.
    expect(verdictOf({ verb: 'apply', objects: [role([{ apiGroups: ['example.com'], resources: ['secrets'], verbs: ['get'] }])] }, policy).verdict).toBe('allow');
    expect(verdictOf({ verb: 'delete', kind: 'ClusterRole', name: 'r' }, only({ id: 'rbac', effect: 'deny', type: 'rbac-escalation', checks: ['wildcard'], ...base })).verdict).toBe('allow');
  });

  it('checks are chosen per rule: deny on wildcards only', () => {
    const strict = only({ id: 'no-wildcards', effect: 'deny', type: 'rbac-escalation', checks: ['wildcard'], ...base });
    expect(verdictOf({ verb: 'apply', objects: [role([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }])] }, strict).reasons[0]).toBe('ClusterRole r, rule 0: grants every verb on every resource in every API group ("*"), whatever is added later included: forbidden.');
    expect(verdictOf({ verb: 'apply', objects: [role([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }])] }, strict).verdict).toBe('allow');
  });
});

describe('time-window', () => {
  // Sat 2026-11-21 and Mon 2026-11-23, 13:30 UTC = 14:30 in Berlin.
  const saturday = new Date('2026-11-21T13:30:00Z');
  const monday = new Date('2026-11-23T13:30:00Z');
  const afterHours: Rule = { id: 'after-hours', effect: 'require-approval', type: 'time-window', timezone: 'Europe/Berlin', when: 'outside', windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }], description: 'Writes outside business hours need approval' };
  const create = { verb: 'create', kind: 'ConfigMap', name: 'x', namespace: 'default' };

  it('require-approval outside business hours, allow inside, in the rule\'s time zone', () => {
    const j = verdictOf(create, only(afterHours), { ...facts, now: saturday });
    expect(j).toMatchObject({ verdict: 'require-approval', rules: ['after-hours'] });
    expect(j.reasons[0]).toBe('It is Sat 2026-11-21 14:30 Europe/Berlin, outside mon–fri 09:00–17:00. Writes outside business hours need approval: a person must approve it.');
    expect(verdictOf(create, only(afterHours), { ...facts, now: monday }).verdict).toBe('allow');
    // 16:30 UTC is 17:30 in Berlin: after hours there, though inside the window in UTC.
    expect(verdictOf(create, only(afterHours), { ...facts, now: new Date('2026-11-23T16:30:00Z') }).verdict).toBe('require-approval');
    expect(verdictOf(create, only({ ...afterHours, timezone: 'UTC' }), { ...facts, now: new Date('2026-11-23T16:30:00Z') }).verdict).toBe('allow');
    // Reads are never judged.
    expect(verdictOf({ verb: 'get', kind: 'Pod', namespace: 'default' }, only(afterHours), { ...facts, now: saturday }).verdict).toBe('allow');
  });

  it('deny inside a change freeze (dates, both days included); verbs and namespaces filters', () => {
    const freeze: Rule = { id: 'holiday-freeze', effect: 'deny', type: 'time-window', timezone: 'UTC', when: 'inside', dates: { from: '2026-12-20', to: '2027-01-03' }, description: 'Change freeze' };
    expect(verdictOf(create, only(freeze), { ...facts, now: new Date('2026-12-20T00:00:00Z') })).toMatchObject({ verdict: 'deny', rules: ['holiday-freeze'] });
    const last = verdictOf(create, only(freeze), { ...facts, now: new Date('2027-01-03T23:59:00Z') });
    expect(last.reasons[0]).toBe('It is Sun 2027-01-03 23:59 UTC, inside from 2026-12-20 to 2027-01-03. Change freeze: forbidden.');
    expect(verdictOf(create, only(freeze), { ...facts, now: new Date('2027-01-04T00:00:00Z') }).verdict).toBe('allow');
    const scoped: Rule = { ...freeze, verbs: ['delete'], namespaces: ['sho*'] };
    const at = { ...facts, now: new Date('2026-12-24T12:00:00Z') };
    expect(verdictOf({ verb: 'delete', kind: 'Pod', name: 'p', namespace: 'shop' }, only(scoped), at).verdict).toBe('deny');
    expect(verdictOf({ verb: 'delete', kind: 'Pod', name: 'p', namespace: 'web' }, only(scoped), at).verdict).toBe('allow');
    expect(verdictOf({ verb: 'patch', kind: 'Pod', name: 'p', namespace: 'shop' }, only(scoped), at).verdict).toBe('allow');
    // Windows within dates: only the business hours of the freeze.
    const both: Rule = { ...freeze, windows: [{ days: ['thu'], from: '09:00', to: '17:00' }] };
    expect(verdictOf(create, only(both), { ...facts, now: new Date('2026-12-24T10:00:00Z') }).verdict).toBe('deny');
    expect(verdictOf(create, only(both), { ...facts, now: new Date('2026-12-24T18:00:00Z') }).verdict).toBe('allow');
  });
});

describe('match', () => {
  const secrets: Rule = { id: 'secrets-need-approval', effect: 'require-approval', type: 'match', kinds: ['secrets'], description: 'Any change to Secrets needs approval' };

  it('require-approval for any change to Secrets (kind aliases count), allow for others', () => {
    const j = verdictOf({ verb: 'patch', kind: 'Secret', name: 'db', namespace: 'default' }, only(secrets));
    expect(j).toMatchObject({ verdict: 'require-approval', rules: ['secrets-need-approval'] });
    expect(j.reasons[0]).toBe('Patch Secret db in namespace default matches "Any change to Secrets needs approval": a person must approve it.');
    const manifest = [{ kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' } }, { kind: 'Secret', metadata: { name: 'b', namespace: 'default' } }];
    expect(verdictOf({ verb: 'apply', objects: manifest }, only(secrets)).reasons[0]).toContain('Secret b in namespace default');
    expect(verdictOf({ verb: 'patch', kind: 'ConfigMap', name: 'db', namespace: 'default' }, only(secrets)).verdict).toBe('allow');
  });

  it('deny with verb, namespace and name globs; an unknown name counts as matching', () => {
    const rule: Rule = { id: 'no-prod-db-deletes', effect: 'deny', type: 'match', verbs: ['delete'], namespaces: ['prod-*', 'shop'], names: ['db-*'], description: 'Production databases stay' };
    expect(verdictOf({ verb: 'delete', kind: 'StatefulSet', name: 'db-main', namespace: 'prod-eu' }, only(rule))).toMatchObject({ verdict: 'deny', rules: ['no-prod-db-deletes'] });
    expect(verdictOf({ verb: 'delete', kind: 'StatefulSet', name: 'web', namespace: 'prod-eu' }, only(rule)).verdict).toBe('allow');
    expect(verdictOf({ verb: 'delete', kind: 'StatefulSet', name: 'db-main', namespace: 'dev' }, only(rule)).verdict).toBe('allow');
    expect(verdictOf({ verb: 'scale', kind: 'StatefulSet', name: 'db-main', namespace: 'shop', replicas: 1 }, only(rule)).verdict).toBe('allow');
    expect(verdictOf({ verb: 'delete', kind: 'StatefulSet', namespace: 'shop' }, only(rule)).reasons[0]).toContain('(name not given: counted as matching)');
    // A cluster-scoped object is in no namespace.
    expect(verdictOf({ verb: 'delete', kind: 'Node', name: 'db-node' }, only(rule)).verdict).toBe('allow');
  });
});

describe('replica-change maxReplicas, scoped privileged-pod, effects of the older rule types', () => {
  it('maxReplicas: a scale or a manifest past the limit', () => {
    const rule: Rule = { id: 'max-replicas', effect: 'deny', type: 'replica-change', maxReplicas: 20, description: 'Not more than 20 replicas' };
    const j = verdictOf({ verb: 'scale', kind: 'Deployment', name: 'web', namespace: 'default', replicas: 21 }, only(rule));
    expect(j).toMatchObject({ verdict: 'deny', rules: ['max-replicas'] });
    expect(j.reasons[0]).toBe('Scaling Deployment web to 21 replicas goes past the limit of 20: forbidden.');
    expect(verdictOf({ verb: 'scale', kind: 'Deployment', name: 'web', namespace: 'default', replicas: 20 }, only(rule)).verdict).toBe('allow');
    expect(verdictOf({ verb: 'apply', objects: [{ kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 50 } }] }, only(rule)).reasons[0]).toBe('Deployment web asks for 50 replicas, more than the limit of 20: forbidden.');
    // Without maxChangeRatio, unknown current replicas do not matter.
    expect(verdictOf({ verb: 'scale', kind: 'Deployment', name: 'web', namespace: 'default', replicas: 3 }, only(rule), {}).verdict).toBe('allow');
  });

  it('privileged-pod scoped by namespaces only: other namespaces are allowed', () => {
    const rule: Rule = { id: 'no-priv-in-shop', effect: 'deny', type: 'privileged-pod', namespaces: ['shop'], description: 'x' };
    expect(verdictOf({ verb: 'create', kind: 'Pod', namespace: 'shop', privileged: true }, only(rule)).rules).toEqual(['no-priv-in-shop']);
    expect(verdictOf({ verb: 'create', kind: 'Pod', namespace: 'web', privileged: true }, only(rule)).verdict).toBe('allow');
    // A namespace the manifest creates has the labels it gives it.
    const selector: Rule = { id: 'pss', effect: 'deny', type: 'privileged-pod', namespaceLabels: { matchLabels: { 'pod-security.kubernetes.io/enforce': 'restricted' } }, description: 'x' };
    const objects = [
      { kind: 'Namespace', metadata: { name: 'fresh', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
      { kind: 'Pod', metadata: { name: 'p', namespace: 'fresh' }, spec: { containers: [{ name: 'c', securityContext: { privileged: true } }] } },
    ];
    expect(verdictOf({ verb: 'apply', objects }, only(selector), { namespaceLabels: { fresh: null } }).verdict).toBe('deny');
  });

  it('older rule types follow their effect in the reason', () => {
    const approvalForbidden: Rule = { id: 'approve-pv-deletes', effect: 'require-approval', type: 'forbidden-delete', kinds: ['PersistentVolume'], description: 'x' };
    expect(verdictOf({ verb: 'delete', kind: 'PersistentVolume', name: 'v' }, only(approvalForbidden)).reasons[0]).toBe('Deleting PersistentVolume v needs a person\'s approval: the data on it may be lost for good.');
    const denyVerb: Rule = { id: 'no-patches', effect: 'deny', type: 'verb', verbs: ['patch'], description: 'No patches' };
    expect(verdictOf({ verb: 'patch', kind: 'ConfigMap', name: 'c', namespace: 'default' }, only(denyVerb)).reasons[0]).toBe('Patch ConfigMap c in namespace default falls under "No patches": forbidden.');
    const denyProd: Rule = { id: 'no-prod', effect: 'deny', type: 'namespace-labels', labels: { environment: 'production' }, description: 'x' };
    expect(verdictOf({ verb: 'create', kind: 'ConfigMap', name: 'c', namespace: 'shop' }, only(denyProd)).reasons[0]).toBe('Namespace shop is labelled environment=production: any write there is forbidden.');
  });
});
