/**
 * What an RBAC object would grant (pure): the dangerous parts of a Role's or ClusterRole's rules
 * and of a binding's subjects and role, in plain words, for the rbac-escalation rule. Wildcards
 * count: `verbs: ["*"]` includes escalate, `resources: ["*"]` includes secrets.
 */
import type { ManifestLike } from './judge.js';
import type { RbacCheck } from './schema.js';

export const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const RBAC_RESOURCES = ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'];
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];

/** Who a public group or user is, in words. */
const PUBLIC_SUBJECTS: Record<string, string> = {
  'Group/system:anonymous': 'anyone who can reach the API server, without credentials',
  'User/system:anonymous': 'anyone who can reach the API server, without credentials',
  'Group/system:unauthenticated': 'every request without credentials',
  'Group/system:authenticated': 'every user and service account with any credentials',
};

/** What binding a ClusterRole cluster-wide hands out. */
export const ADMIN_ROLES: Record<string, string> = {
  admin: 'read and write of almost everything in every namespace, Secrets and RoleBindings included',
  edit: 'write access to most objects in every namespace, Secrets included',
};

/** Whether the checks include any that judges grants (not only who is bound). */
export const judgesGrants = (checks: readonly RbacCheck[]) => checks.some((c) => c !== 'public-subjects');

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
const asRecord = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** One object's dangers under the given checks, each "Kind name, rule N: what it allows". */
export function rbacDangers(object: ManifestLike, checks: readonly RbacCheck[]): string[] {
  const kind = typeof object.kind === 'string' ? object.kind : '';
  const name = typeof object.metadata?.name === 'string' ? object.metadata.name : '(unnamed)';
  const label = `${kind} ${name}`;
  const on = (c: RbacCheck) => checks.includes(c);
  const found: string[] = [];

  if (kind === 'Role' || kind === 'ClusterRole') {
    const rules = Array.isArray(object.rules) ? object.rules : [];
    rules.forEach((raw, i) => {
      const rule = asRecord(raw) ?? {};
      const verbs = strings(rule.verbs).map((v) => v.toLowerCase());
      const resources = strings(rule.resources);
      const groups = rule.apiGroups === undefined ? [''] : strings(rule.apiGroups);
      const names = strings(rule.resourceNames);
      const anyVerb = verbs.includes('*');
      const anyResource = resources.includes('*');
      const inGroup = (g: string) => groups.includes('*') || groups.includes(g);
      const hasResource = (r: string) => anyResource || resources.includes(r) || (r.includes('/') && resources.includes(`*/${r.split('/')[1]}`));
      const hasVerb = (v: string) => anyVerb || verbs.includes(v);
      const dangers: string[] = [];

      if (on('wildcard') && (anyVerb || anyResource) && resources.length) {
        dangers.push(`grants ${anyVerb ? 'every verb' : verbs.join(', ')} on ${anyResource ? 'every resource' : resources.join(', ')}${groups.includes('*') ? ' in every API group' : ''} ("*"), whatever is added later included`);
      } else {
        if (on('escalate-bind-impersonate')) {
          const words: Record<string, string> = { escalate: 'escalate (grant permissions it does not hold)', bind: 'bind roles it does not hold', impersonate: 'impersonate other users, groups or service accounts' };
          const hits = Object.keys(words).filter(hasVerb);
          if (hits.length) dangers.push(`can ${hits.map((v) => words[v]).join('; ')}`);
        }
        if (on('secrets-read') && inGroup('') && hasResource('secrets')) {
          const reads = ['get', 'list', 'watch'].filter(hasVerb);
          if (reads.length) dangers.push(`can read Secrets (${reads.join(', ')})${names.length ? ` named ${names.join(', ')}` : ''}: their values are credentials`);
        }
        if (on('pod-exec') && inGroup('')) {
          // Before Kubernetes 1.31, get on pods/exec was enough (websocket): both count.
          if (hasResource('pods/exec') && (hasVerb('create') || hasVerb('get'))) dangers.push('can run commands in pods (pods/exec)');
          if (hasResource('pods/attach') && (hasVerb('create') || hasVerb('get'))) dangers.push('can attach to running containers (pods/attach)');
        }
        if (on('nodes-proxy') && inGroup('') && hasResource('nodes/proxy') && verbs.length) dangers.push('can reach the kubelet API (nodes/proxy): commands in any pod on the node');
        if (on('token-create') && inGroup('') && hasResource('serviceaccounts/token') && hasVerb('create')) dangers.push('can mint service account tokens (serviceaccounts/token create) and act as those accounts');
        if (on('rbac-write') && inGroup(RBAC_GROUP)) {
          const what = RBAC_RESOURCES.filter(hasResource);
          const how = WRITE.filter(hasVerb);
          if (what.length && how.length) dangers.push(`can change RBAC (${how.join(', ')} on ${what.join(', ')}): it could grant itself anything`);
        }
      }
      if (dangers.length) found.push(`${label}, rule ${i}: ${dangers.join('; ')}`);
    });
  }

  if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
    const ref = asRecord(object.roleRef);
    const role = `${typeof ref?.kind === 'string' ? ref.kind : 'role'} ${typeof ref?.name === 'string' ? ref.name : '(unnamed)'}`;
    if (on('public-subjects')) {
      const subjects = Array.isArray(object.subjects) ? object.subjects : [];
      subjects.forEach((raw, j) => {
        const s = asRecord(raw);
        const who = PUBLIC_SUBJECTS[`${String(s?.kind)}/${String(s?.name)}`];
        if (who) found.push(`${label}, subject ${j}: grants ${role} to ${String(s?.kind).toLowerCase()} ${String(s?.name)} (${who})`);
      });
    }
    if (on('admin-binding') && kind === 'ClusterRoleBinding' && ref?.kind === 'ClusterRole' && typeof ref.name === 'string' && ADMIN_ROLES[ref.name]) {
      found.push(`${label}: binds ClusterRole ${ref.name} cluster-wide: ${ADMIN_ROLES[ref.name]}`);
    }
  }
  return found;
}
