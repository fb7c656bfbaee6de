/**
 * NetworkPolicy coverage: namespaces with no policy at all, namespaces without a default-deny
 * policy, and pods no policy selects (they accept traffic from anywhere). Pure.
 */
import { podTemplateOf } from './pod.js';
import { arr, type Finding, type ObjectRef, type Obj, rec, refOf, str } from './types.js';

/** Whether a label selector (matchLabels, matchExpressions) selects these labels; `{}` selects everything. */
export function selects(selector: unknown, labels: Obj): boolean {
  const s = rec(selector);
  const value = (k: string) => (typeof labels[k] === 'string' ? (labels[k] as string) : undefined);
  const okLabels = Object.entries(rec(s.matchLabels)).every(([k, v]) => value(k) === v);
  const okExpressions = arr(s.matchExpressions)
    .map(rec)
    .every((e) => {
      const key = str(e.key) ?? '';
      const values = arr(e.values).map(String);
      const v = value(key);
      switch (str(e.operator)) {
        case 'In': return v !== undefined && values.includes(v);
        case 'NotIn': return v === undefined || !values.includes(v);
        case 'Exists': return v !== undefined;
        case 'DoesNotExist': return v === undefined;
        default: return false;
      }
    });
  return okLabels && okExpressions;
}

/** A policy that selects every pod of its namespace and allows no ingress: the namespace's default deny. */
function isDefaultDeny(policy: unknown): { ingress: boolean; egress: boolean } {
  const spec = rec(rec(policy).spec);
  const selector = rec(spec.podSelector);
  const selectsAll = Object.keys(rec(selector.matchLabels)).length === 0 && arr(selector.matchExpressions).length === 0;
  const types = arr(spec.policyTypes).map(String);
  // With no policyTypes, Ingress is implied; Egress only when egress rules exist.
  const ingressTyped = types.length ? types.includes('Ingress') : true;
  const egressTyped = types.includes('Egress');
  return { ingress: selectsAll && ingressTyped && arr(spec.ingress).length === 0, egress: selectsAll && egressTyped && arr(spec.egress).length === 0 };
}

const DEFAULT_DENY = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: NS\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]';

/**
 * Coverage of each namespace. `networkPolicies` are whole objects (a policy without a spec — from
 * a listing of names — counts as present but is not judged). `pods` with their workload as `ref`
 * are checked for being selected by some policy of their namespace.
 */
export function checkNetworkPolicies(namespaces: string[], networkPolicies: unknown[], pods: Array<{ pod: unknown; ref: ObjectRef }> = []): Finding[] {
  const byNs = new Map<string, unknown[]>();
  for (const p of networkPolicies) {
    const ns = str(rec(rec(p).metadata).namespace);
    if (ns) byNs.set(ns, [...(byNs.get(ns) ?? []), p]);
  }
  const findings: Finding[] = [];
  for (const ns of namespaces) {
    const policies = byNs.get(ns) ?? [];
    const object = { kind: 'Namespace', name: ns };
    if (!policies.length) {
      findings.push({
        severity: 'medium',
        check: 'network-policy-missing',
        object,
        evidence: `no NetworkPolicy in namespace ${ns}: all ingress and egress is allowed`,
        fix: `Add a default-deny NetworkPolicy in ${ns} (podSelector: {}, policyTypes: [Ingress, Egress]) and allow only the flows the workloads need.`,
        remediation: DEFAULT_DENY.replace('NS', ns),
      });
      continue;
    }
    const judged = policies.filter((p) => rec(p).spec !== undefined);
    if (!judged.length) continue;
    const deny = judged.map(isDefaultDeny);
    if (!deny.some((d) => d.ingress)) {
      findings.push({
        severity: 'low',
        check: 'network-default-deny-missing',
        object,
        evidence: `${policies.length} NetworkPolic${policies.length === 1 ? 'y' : 'ies'} in ${ns} (${policies.map((p) => str(rec(rec(p).metadata).name) ?? '?').join(', ')}) but none denies ingress by default`,
        fix: `Add a default-deny policy in ${ns} so pods no other policy selects are closed, not open.`,
        remediation: DEFAULT_DENY.replace('NS', ns),
      });
    }
  }
  const seen = new Set<string>();
  for (const { pod, ref } of pods) {
    const meta = rec(rec(pod).metadata);
    const ns = str(meta.namespace);
    if (!ns || !namespaces.includes(ns)) continue;
    const policies = (byNs.get(ns) ?? []).filter((p) => rec(p).spec !== undefined);
    // Namespaces with no policy are reported once as a namespace; unjudged ones are skipped.
    if (!policies.length) continue;
    const labels = rec(meta.labels);
    if (policies.some((p) => selects(rec(rec(p).spec).podSelector, labels))) continue;
    const key = `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push({
      severity: 'medium',
      check: 'network-pod-unselected',
      object: ref,
      evidence: `no NetworkPolicy in ${ns} selects its pods (labels ${Object.entries(labels).map(([k, v]) => `${k}=${String(v)}`).join(',') || 'none'}): they accept traffic from anywhere`,
      fix: `Add a NetworkPolicy in ${ns} whose podSelector matches these pods, or a default-deny policy (podSelector: {}).`,
      remediation: DEFAULT_DENY.replace('NS', ns),
    });
  }
  return findings;
}

/** The pods of workload manifests as the network check wants them (template labels, the workload as ref). */
export function podsOfWorkloads(objects: unknown[]): Array<{ pod: unknown; ref: ObjectRef }> {
  return objects.flatMap((o) => {
    const t = podTemplateOf(o);
    if (!t) return [];
    const ref = refOf(o);
    const labels = rec(rec(t.metadata).labels);
    return [{ pod: { metadata: { namespace: ref.namespace, labels } }, ref }];
  });
}
