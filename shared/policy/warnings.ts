/** A loaded policy checked against the safety it should keep (pure): what it leaves open, in words. */
import type { Policy } from './schema.js';

/** Valid policies can still be unsafe: no protection for kube-system or the crew, no rules at all. */
export function policyWarnings(policy: Policy, options: { crewNamespace?: string } = {}): string[] {
  const warnings: string[] = [];
  if (policy.rules.length === 0) return ['the policy has no rules: every action is allowed'];
  const protectedNamespaces = new Set(policy.rules.flatMap((r) => (r.type === 'protected-namespace' && r.effect === 'deny' ? r.namespaces : [])));
  for (const [ns, what] of [['kube-system', 'the cluster\'s own components'], [options.crewNamespace, 'the crew itself']] as const) {
    if (ns && !protectedNamespaces.has(ns)) warnings.push(`namespace ${ns} is not protected (no deny rule of type protected-namespace lists it): the crew could change ${what}`);
  }
  if (!policy.rules.some((r) => r.type === 'unknown-write')) warnings.push('no unknown-write rule: verbs the policy does not know (exec, …) are allowed');
  return warnings;
}
