/**
 * The checks on a set of manifests — the security agent's manifest review and `k8s-experts scan`
 * run the same ones: pod checks (PSS, resources, images, env) on anything with a pod template,
 * RBAC checks on roles and bindings, secret-like keys in ConfigMaps, tokens in annotations, and
 * NetworkPolicy coverage of the namespaces the set declares, availability (replicas,
 * PodDisruptionBudgets, spread), Ingress TLS and the recommended name label. Pure: nothing touches the cluster.
 */
import {
  checkAvailability,
  checkClusterAdminBindings,
  checkConfigMapKeys,
  checkDefaultServiceAccountBindings,
  checkIngressTls,
  checkNameLabel,
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

/** `namespace/name` of the ServiceAccounts in the set that turn off token automounting (their pods inherit it). */
export function tokenlessServiceAccounts(objects: Record<string, unknown>[]): Set<string> {
  return new Set(
    objects
      .filter((o) => o.kind === 'ServiceAccount' && o.automountServiceAccountToken === false)
      .map((o) => {
        const ref = refOf(o);
        return `${ref.namespace ?? ''}/${ref.name}`;
      }),
  );
}

/** Every finding for these objects, sorted by severity. */
export function scanObjects(objects: Record<string, unknown>[], options: ScanOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const tokenless = tokenlessServiceAccounts(objects);
  const podOptions: ScanOptions = { ...options, tokenlessServiceAccounts: new Set([...tokenless, ...(options.tokenlessServiceAccounts ?? [])]) };
  for (const o of objects) {
    const kind = str(o.kind) ?? '';
    if (podSpecOf(o)) findings.push(...checkPodSpec(o, refOf(o), podOptions), ...checkNameLabel(o));
    if (kind === 'Ingress') findings.push(...checkIngressTls(o));
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
  // A missing PodDisruptionBudget likewise only where the set declares the namespace or writes PDBs for it.
  const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget');
  const pdbNamespaces = [...new Set([...objects.filter((o) => o.kind === 'Namespace').map((o) => refOf(o).name), ...pdbs.map((p) => refOf(p).namespace ?? '')])];
  findings.push(...checkAvailability({ workloads: objects, podDisruptionBudgets: pdbs, autoscalers: objects.filter((o) => o.kind === 'HorizontalPodAutoscaler'), pdbNamespaces }));
  return sortFindings(findings);
}
