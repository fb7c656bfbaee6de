/** Namespaces no NetworkPolicy selects into: every pod in them accepts traffic from anywhere. Pure. */
import { type Finding, rec, str } from './types.js';

export function checkNetworkPolicies(namespaces: string[], networkPolicies: unknown[]): Finding[] {
  const covered = new Set(networkPolicies.map((p) => str(rec(rec(p).metadata).namespace)).filter((n): n is string => Boolean(n)));
  return namespaces
    .filter((ns) => !covered.has(ns))
    .map((ns) => ({
      severity: 'medium' as const,
      check: 'network-policy-missing',
      object: { kind: 'Namespace', name: ns },
      evidence: `no NetworkPolicy in namespace ${ns}: all ingress and egress is allowed`,
      fix: `Add a default-deny NetworkPolicy in ${ns} (podSelector: {}, policyTypes: [Ingress, Egress]) and allow only the flows the workloads need.`,
    }));
}
