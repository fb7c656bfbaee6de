/** Turns collected objects into findings and findings into a report a person reads. Pure. */
import {
  checkClusterAdminBindings,
  checkNetworkPolicies,
  checkPodSpec,
  checkWildcardRules,
  countBySeverity,
  type Finding,
  ownerRef,
  refText,
  SEVERITIES,
  sortFindings,
} from './checks/index.js';
import type { ClusterObjects } from './collect.js';

/** Check ids a question may narrow the report to ("which workloads run as root?"). */
const FOCUS: Array<{ pattern: RegExp; checks: string[] }> = [
  { pattern: /\broot\b|run ?as|runasnonroot|runasuser|non-?root/i, checks: ['pss-run-as-root', 'pss-run-as-non-root'] },
  { pattern: /privileged|escalat/i, checks: ['pss-privileged', 'pss-privilege-escalation'] },
  { pattern: /cluster-?admin|\brbac\b|who has|permission|wildcard|role ?binding/i, checks: ['rbac-cluster-admin', 'rbac-wildcard'] },
  { pattern: /network ?polic|netpol/i, checks: ['network-policy-missing'] },
  { pattern: /secret|password|credential|token/i, checks: ['secret-env-literal'] },
  { pattern: /latest|image tag|unpinned|untagged/i, checks: ['image-tag'] },
  { pattern: /\blimits?\b|resource limit/i, checks: ['resource-limits'] },
  { pattern: /host ?(network|pid|ipc|path)/i, checks: ['pss-host-namespaces', 'pss-host-path'] },
  { pattern: /capabilit/i, checks: ['pss-capabilities'] },
  { pattern: /seccomp/i, checks: ['pss-seccomp'] },
];

/** The checks a question narrows to, or undefined for a full report. */
export function focusOf(text: string): Set<string> | undefined {
  if (/\b(report|posture|audit|overall|how secure|everything|all checks|compliance)\b/i.test(text)) return undefined;
  const checks = FOCUS.filter((f) => f.pattern.test(text)).flatMap((f) => f.checks);
  return checks.length ? new Set(checks) : undefined;
}

/** Every finding for the collected objects; pods are reported against their workload, once per check. */
export function postureFindings(
  objects: Pick<ClusterObjects, 'namespaces' | 'pods' | 'networkPolicies' | 'bindings' | 'roles'> & { cronJobs?: unknown[] },
  focus?: Set<string>,
): Finding[] {
  const seen = new Set<string>();
  const workloads = [...objects.pods.flatMap((pod) => checkPodSpec(pod, ownerRef(pod))), ...(objects.cronJobs ?? []).flatMap((cj) => checkPodSpec(cj))];
  const podFindings = workloads.filter((f) => {
    const key = `${f.check} ${refText(f.object)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const all = [
    ...podFindings,
    ...checkNetworkPolicies(objects.namespaces, objects.networkPolicies),
    ...checkClusterAdminBindings(objects.bindings),
    ...checkWildcardRules(objects.roles),
  ];
  return sortFindings(focus ? all.filter((f) => focus.has(f.check)) : all);
}

export function summaryLine(findings: Finding[]): string {
  const counts = countBySeverity(findings);
  return `${findings.length} finding${findings.length === 1 ? '' : 's'} — ${SEVERITIES.map((s) => `${counts[s]} ${s}`).join(', ')}`;
}

/** The report's text: a summary line, then findings by severity with evidence and fix. */
export function renderFindings(title: string, findings: Finding[], notes: string[] = []): string {
  const lines = [`${title}: ${summaryLine(findings)}.`, ...notes];
  for (const severity of SEVERITIES) {
    const group = findings.filter((f) => f.severity === severity);
    if (!group.length) continue;
    lines.push('', `${severity.toUpperCase()} (${group.length})`);
    for (const f of group) lines.push(`- [${f.check}] ${refText(f.object)}: ${f.evidence}`, `  fix: ${f.fix}`);
  }
  return lines.join('\n');
}
