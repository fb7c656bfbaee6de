/**
 * The checks on a set of manifests — the security agent's manifest review and `k8s-experts scan`
 * run the same ones: pod checks (PSS, resources, images, env) on anything with a pod template,
 * RBAC checks on roles and bindings, secret-like keys in ConfigMaps, tokens in annotations, and
 * NetworkPolicy coverage of the namespaces the set declares. Pure: nothing touches the cluster.
 */
import {
  checkClusterAdminBindings,
  checkConfigMapKeys,
  checkDefaultServiceAccountBindings,
  checkNetworkPolicies,
  checkObjectAnnotations,
  checkPodSpec,
  checkRiskyRules,
  checkWildcardRules,
  type Finding,
  type PodCheckOptions,
  podSpecOf,
  podsOfWorkloads,
  rec,
  refOf,
  sortFindings,
  str,
} from './checks/index.js';

export type ScanOptions = PodCheckOptions;

/** Every finding for these objects, sorted by severity. */
export function scanObjects(objects: Record<string, unknown>[], options: ScanOptions = {}): Finding[] {
  const findings: Finding[] = [];
  for (const o of objects) {
    const kind = str(o.kind) ?? '';
    if (podSpecOf(o)) findings.push(...checkPodSpec(o, refOf(o), options));
    if (kind === 'ClusterRoleBinding' || kind === 'RoleBinding') findings.push(...checkClusterAdminBindings([o]), ...checkDefaultServiceAccountBindings([o]));
    if (kind === 'ClusterRole' || kind === 'Role') findings.push(...checkWildcardRules([o]), ...checkRiskyRules([o]));
    if (kind === 'ConfigMap') findings.push(...checkConfigMapKeys(o));
    findings.push(...checkObjectAnnotations(o));
  }
  // Coverage only of namespaces the set declares or writes policies for: of others it knows nothing.
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const namespaces = [
    ...new Set([...objects.filter((o) => o.kind === 'Namespace').map((o) => refOf(o).name), ...policies.map((p) => str(rec(p.metadata).namespace)).filter((n): n is string => Boolean(n))]),
  ];
  findings.push(...checkNetworkPolicies(namespaces, policies, podsOfWorkloads(objects)));
  return sortFindings(findings);
}
