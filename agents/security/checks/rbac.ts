/**
 * RBAC checks: who is bound to cluster-admin, bindings that give a namespace's default
 * ServiceAccount rights, and roles that grant `*`, read Secrets, escalate (escalate, bind,
 * impersonate) or exec into pods. Pure.
 */
import { arr, type Finding, type Obj, rec, refOf, str } from './types.js';

function subjectsOf(binding: unknown): string[] {
  return arr(rec(binding).subjects)
    .map(rec)
    .map((s) => {
      const kind = str(s.kind) ?? '?';
      const name = str(s.name) ?? '?';
      const ns = str(s.namespace);
      return `${kind} ${ns && kind === 'ServiceAccount' ? `${ns}/` : ''}${name}`;
    });
}

/** Built-in subjects that hold cluster-admin by design (the bootstrap binding of system:masters). */
function isBuiltIn(binding: unknown, subjects: string[]): boolean {
  const name = str(rec(rec(binding).metadata).name) ?? '';
  return (name === 'cluster-admin' || name.startsWith('system:')) && subjects.length > 0 && subjects.every((s) => s.startsWith('Group system:') || s.startsWith('User system:'));
}

/** ClusterRoleBindings (and RoleBindings) whose roleRef is the cluster-admin ClusterRole. */
export function checkClusterAdminBindings(bindings: unknown[]): Finding[] {
  return bindings.flatMap((b) => {
    const roleRef = rec(rec(b).roleRef);
    if (str(roleRef.kind) !== 'ClusterRole' || str(roleRef.name) !== 'cluster-admin') return [];
    const subjects = subjectsOf(b);
    const ref = refOf({ kind: 'ClusterRoleBinding', ...rec(b) });
    const builtIn = isBuiltIn(b, subjects);
    const scope = ref.kind === 'RoleBinding' ? ` in namespace ${ref.namespace ?? '?'}` : ' cluster-wide';
    return [
      {
        severity: builtIn ? 'info' : 'high',
        check: 'rbac-cluster-admin',
        object: ref,
        evidence: `cluster-admin${scope} granted to ${subjects.length ? subjects.join(', ') : '(no subjects)'}${builtIn ? ' (the built-in bootstrap binding)' : ''}`,
        fix: builtIn
          ? 'Keep membership of system:masters to break-glass credentials only; give people narrower roles.'
          : 'Bind a narrower ClusterRole or a namespaced Role with only the verbs and resources needed; remove this binding.',
      },
    ];
  });
}

/** Roles and ClusterRoles with a rule that grants `*` verbs, resources or API groups. The cluster-admin role itself is reported through its bindings. */
export function checkWildcardRules(roles: unknown[]): Finding[] {
  return roles.flatMap((r) => {
    const ref = refOf({ kind: 'ClusterRole', ...rec(r) });
    if (ref.kind === 'ClusterRole' && ref.name === 'cluster-admin') return [];
    const wild = arr(rec(r).rules)
      .map(rec)
      .flatMap((rule, i) => {
        const verbs = arr(rule.verbs).map(String);
        const resources = arr(rule.resources).map(String);
        const parts = [verbs.includes('*') ? 'verbs *' : '', resources.includes('*') ? 'resources *' : ''].filter(Boolean);
        return parts.length ? [`rule ${i + 1}: ${parts.join(' and ')} (apiGroups ${arr(rule.apiGroups).map(String).join(',') || '""'})`] : [];
      });
    if (!wild.length) return [];
    return [
      {
        severity: 'high' as const,
        check: 'rbac-wildcard',
        object: ref,
        evidence: wild.join('; '),
        fix: 'List the exact verbs and resources the subject needs instead of *.',
      },
    ];
  });
}

/**
 * Bindings whose subject is a namespace's `default` ServiceAccount: every pod that names no
 * ServiceAccount runs with those rights. High when the role is cluster-admin.
 */
export function checkDefaultServiceAccountBindings(bindings: unknown[]): Finding[] {
  return bindings.flatMap((b) => {
    const o = rec(b);
    const ref = refOf({ kind: 'ClusterRoleBinding', ...o });
    const defaults = arr(o.subjects)
      .map(rec)
      .filter((s) => str(s.kind) === 'ServiceAccount' && str(s.name) === 'default')
      .map((s) => `${str(s.namespace) ?? ref.namespace ?? '?'}/default`);
    if (!defaults.length) return [];
    const roleRef = rec(o.roleRef);
    const role = `${str(roleRef.kind) ?? 'Role'}/${str(roleRef.name) ?? '?'}`;
    const admin = str(roleRef.name) === 'cluster-admin';
    return [
      {
        severity: admin ? ('critical' as const) : ('medium' as const),
        check: 'rbac-default-service-account',
        object: ref,
        evidence: `${role} bound to the default ServiceAccount ${defaults.join(', ')}: every pod there without its own ServiceAccount gets it`,
        fix: 'Create a dedicated ServiceAccount for the workload that needs these rights, bind the role to it and set spec.serviceAccountName; remove the default ServiceAccount from this binding.',
        remediation: `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: <app>\n---\n# in the binding:\nsubjects:\n  - kind: ServiceAccount\n    name: <app>\n    namespace: ${defaults[0]?.split('/')[0] ?? '<namespace>'}\n---\n# in the pod spec:\nserviceAccountName: <app>\nautomountServiceAccountToken: false  # unless it calls the API`,
      },
    ];
  });
}

const READ = ['get', 'list', 'watch', '*'];
const inCore = (rule: Obj) => arr(rule.apiGroups).some((g) => g === '' || g === '*');

interface RuleRisk {
  check: string;
  severity: Finding['severity'];
  match: (rule: Obj, verbs: string[], resources: string[]) => string | undefined;
  what: string;
  fix: string;
}

/** Rule risks besides wildcards, each its own check. */
const RULE_RISKS: RuleRisk[] = [
  {
    check: 'rbac-secrets-read',
    severity: 'high',
    what: 'reads Secrets',
    match: (rule, verbs, resources) => (inCore(rule) && resources.includes('secrets') && verbs.some((v) => READ.includes(v)) ? `${verbs.filter((v) => READ.includes(v)).join(',')} secrets` : undefined),
    fix: 'Grant get on the named Secrets it needs (resourceNames), not list/watch on all of them: list returns every value.',
  },
  {
    check: 'rbac-escalate',
    severity: 'high',
    what: 'can escalate',
    match: (_rule, verbs) => {
      const found = ['escalate', 'bind', 'impersonate'].filter((v) => verbs.includes(v));
      return found.length ? `verbs ${found.join(',')}` : undefined;
    },
    fix: 'Remove escalate, bind and impersonate: they let the subject grant itself (or act as) anything; keep them to cluster administrators.',
  },
  {
    check: 'rbac-pod-exec',
    severity: 'medium',
    what: 'can exec into pods',
    match: (rule, verbs, resources) => (inCore(rule) && ['pods/exec', 'pods/attach'].some((r) => resources.includes(r)) && (verbs.includes('create') || verbs.includes('*')) ? `create ${resources.filter((r) => r === 'pods/exec' || r === 'pods/attach').join(',')}` : undefined),
    fix: 'Remove create on pods/exec and pods/attach from roles of people and workloads that do not debug: a shell in a pod reads its Secrets and tokens.',
  },
];

/** Roles and ClusterRoles that read Secrets, escalate/bind/impersonate or exec into pods. The cluster-admin role itself is reported through its bindings. */
export function checkRiskyRules(roles: unknown[]): Finding[] {
  return roles.flatMap((r) => {
    const ref = refOf({ kind: 'ClusterRole', ...rec(r) });
    if (ref.kind === 'ClusterRole' && ref.name === 'cluster-admin') return [];
    const rules = arr(rec(r).rules).map(rec);
    return RULE_RISKS.flatMap((risk) => {
      const hits = rules.flatMap((rule, i) => {
        const hit = risk.match(rule, arr(rule.verbs).map(String), arr(rule.resources).map(String));
        return hit ? [`rule ${i + 1}: ${hit}`] : [];
      });
      return hits.length ? [{ severity: risk.severity, check: risk.check, object: ref, evidence: `${ref.kind} ${risk.what}: ${hits.join('; ')}`, fix: risk.fix }] : [];
    });
  });
}
