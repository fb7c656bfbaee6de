/** RBAC checks: who is bound to cluster-admin, and roles that grant `*` verbs or resources. Pure. */
import { arr, type Finding, rec, refOf, str } from './types.js';

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
