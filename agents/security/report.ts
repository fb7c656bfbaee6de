/** Turns collected objects into findings and findings into a report a person reads. Pure. */
import {
  checkClusterAdminBindings,
  checkConfigMapKeys,
  checkDefaultServiceAccountBindings,
  checkNetworkPolicies,
  checkObjectAnnotations,
  checkPodSpec,
  checkRiskyRules,
  checkWildcardRules,
  countBySeverity,
  type Finding,
  namespaceScores,
  ownerRef,
  type PodCheckOptions,
  refText,
  renderScores,
  SEVERITIES,
  severityRank,
  sortFindings,
} from './checks/index.js';
import type { ClusterObjects } from './collect.js';

/** Check ids a question may narrow the report to ("which workloads run as root?"). */
const FOCUS: Array<{ pattern: RegExp; checks: string[] }> = [
  { pattern: /\broot\b|run ?as|runasnonroot|runasuser|non-?root/i, checks: ['pss-restricted-run-as-user', 'pss-restricted-run-as-non-root'] },
  { pattern: /privileged|escalat/i, checks: ['pss-baseline-privileged', 'pss-restricted-privilege-escalation'] },
  { pattern: /cluster-?admin|who has|wildcard/i, checks: ['rbac-cluster-admin', 'rbac-wildcard'] },
  { pattern: /\brbac\b|who can|permission|role ?binding|\bexec\b|impersonat|service ?account/i, checks: ['rbac-cluster-admin', 'rbac-wildcard', 'rbac-default-service-account', 'rbac-secrets-read', 'rbac-escalate', 'rbac-pod-exec'] },
  { pattern: /network ?polic|netpol|default.?deny/i, checks: ['network-policy-missing', 'network-default-deny-missing', 'network-pod-unselected'] },
  { pattern: /secret|password|credential|token/i, checks: ['secret-env-literal', 'secret-configmap-key', 'secret-annotation-token'] },
  { pattern: /latest|image tag|unpinned|untagged|digest|registr/i, checks: ['image-tag', 'image-digest', 'image-registry'] },
  { pattern: /\blimits?\b|\brequests?\b|resource limit/i, checks: ['resource-limits', 'resource-requests'] },
  { pattern: /host ?(network|pid|ipc|path|port)/i, checks: ['pss-baseline-host-namespaces', 'pss-baseline-host-path', 'pss-baseline-host-ports'] },
  { pattern: /capabilit/i, checks: ['pss-baseline-capabilities', 'pss-restricted-capabilities'] },
  { pattern: /seccomp/i, checks: ['pss-baseline-seccomp', 'pss-restricted-seccomp'] },
  { pattern: /apparmor|selinux|sysctl|proc ?mount|hostprocess/i, checks: ['pss-baseline-apparmor', 'pss-baseline-selinux', 'pss-baseline-sysctls', 'pss-baseline-proc-mount', 'pss-baseline-host-process'] },
];

/** The checks a question narrows to, or undefined for a full report. */
export function focusOf(text: string): Set<string> | undefined {
  if (/\b(report|posture|audit|overall|how secure|everything|all checks|compliance)\b/i.test(text)) return undefined;
  const checks = FOCUS.filter((f) => f.pattern.test(text)).flatMap((f) => f.checks);
  return checks.length ? new Set(checks) : undefined;
}

/** Every finding for the collected objects; pods are reported against their workload, once per check. */
export function postureFindings(
  objects: Pick<ClusterObjects, 'namespaces' | 'pods' | 'networkPolicies' | 'bindings' | 'roles'> & { cronJobs?: unknown[]; configMaps?: unknown[] },
  focus?: Set<string>,
  options: PodCheckOptions = {},
): Finding[] {
  const seen = new Set<string>();
  const pods = objects.pods.map((pod) => ({ pod, ref: ownerRef(pod) }));
  const workloads = [
    ...pods.flatMap(({ pod, ref }) => [...checkPodSpec(pod, ref, options), ...checkObjectAnnotations(pod).map((f) => ({ ...f, object: ref }))]),
    ...(objects.cronJobs ?? []).flatMap((cj) => checkPodSpec(cj, undefined, options)),
  ];
  const podFindings = workloads.filter((f) => {
    const key = `${f.check} ${refText(f.object)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const all = [
    ...podFindings,
    ...checkNetworkPolicies(objects.namespaces, objects.networkPolicies, pods),
    ...checkClusterAdminBindings(objects.bindings),
    ...checkDefaultServiceAccountBindings(objects.bindings),
    ...checkWildcardRules(objects.roles),
    ...checkRiskyRules(objects.roles),
    ...(objects.configMaps ?? []).flatMap((cm) => checkConfigMapKeys(cm)),
  ];
  return sortFindings(focus ? all.filter((f) => focus.has(f.check)) : all);
}

export function summaryLine(findings: Finding[]): string {
  const counts = countBySeverity(findings);
  return `${findings.length} finding${findings.length === 1 ? '' : 's'} — ${SEVERITIES.map((s) => `${counts[s]} ${s}`).join(', ')}`;
}

/**
 * The report's text: a summary line, the score per namespace (when there is more than one, or
 * `namespaces` names them), then findings by severity with evidence and fix.
 */
export function renderFindings(title: string, findings: Finding[], notes: string[] = [], namespaces: string[] = []): string {
  const lines = [`${title}: ${summaryLine(findings)}.`, ...notes];
  const scores = namespaceScores(findings, namespaces);
  if (scores.length) lines.push('', `Score per namespace (100 − 25·critical − 10·high − 4·medium − 1·low):`, renderScores(scores));
  for (const severity of SEVERITIES) {
    const group = findings.filter((f) => f.severity === severity);
    if (!group.length) continue;
    lines.push('', `${severity.toUpperCase()} (${group.length})`);
    for (const f of group) {
      lines.push(`- [${f.check}] ${refText(f.object)}: ${f.evidence}`, `  fix: ${f.fix}`);
      // The snippet for the serious ones; every finding's is in the data part.
      if (f.remediation && severityRank(f.severity) <= severityRank('high')) lines.push(...f.remediation.split('\n').map((l) => `      ${l}`));
    }
  }
  return lines.join('\n');
}
