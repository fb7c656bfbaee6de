/**
 * Services cut off by NetworkPolicy: every policy that selects the service's pods restricts
 * Ingress and none of them has an ingress rule, so no traffic reaches them.
 */
import type { AnalyzeOptions, AnalyzerFinding, Snapshot } from './types.js';
import { label, list, matchesSelector, nm, nsOf, readable, refOf } from './util.js';
import { selectedPods } from './service.js';

export function analyzeNetworkPolicies(s: Snapshot, _o: AnalyzeOptions): AnalyzerFinding[] {
  if (!readable(s, 'networkpolicies')) return [];
  const out: AnalyzerFinding[] = [];
  for (const svc of list(s.services)) {
    if (!svc) continue;
    const pods = selectedPods(s, svc);
    if (pods.length === 0) continue;
    const policies = list(s.networkpolicies).filter((np) => np && nsOf(np) === nsOf(svc) && pods.some((p) => matchesSelector(np.spec?.podSelector ?? {}, p.metadata?.labels)));
    // Policies restrict Ingress when policyTypes says so, or (no policyTypes) always.
    const restricting = policies.filter((np) => list(np.spec?.policyTypes).length === 0 || list(np.spec?.policyTypes).includes('Ingress'));
    if (restricting.length === 0 || restricting.some((np) => list(np.spec?.ingress).length > 0)) continue;
    const object = refOf('Service', svc);
    const names = restricting.map(nm);
    out.push({
      object,
      analyzer: 'networkpolicy-blocks-service',
      severity: 'high',
      summary: `${label(object)} is cut off: NetworkPolic${names.length > 1 ? 'ies' : 'y'} ${names.join(', ')} select${names.length > 1 ? '' : 's'} its pods for Ingress with no ingress rule, so all inbound traffic is dropped.`,
      evidence: restricting.map((np) => `NetworkPolicy ${nm(np)}: podSelector ${JSON.stringify(np.spec?.podSelector?.matchLabels ?? {})}, policyTypes ${list(np.spec?.policyTypes).join(',') || '(default Ingress)'}, ingress rules: 0`),
      chain: [`${label(object)}: pods ${pods.slice(0, 3).map(nm).join(', ')}`, `NetworkPolicy ${object.namespace}/${names[0]}: Ingress with no rule — denies all inbound`],
      fix: { text: `add an ingress rule allowing the clients of ${object.name} (from podSelector/namespaceSelector, ports) to ${names[0]}, or narrow its podSelector` },
    });
  }
  return out;
}
