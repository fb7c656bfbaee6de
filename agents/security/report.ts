/** Turns collected objects into findings and findings into a report a person reads. Pure. */
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
  countBySeverity,
  type Finding,
  namespaceScores,
  ownerRef,
  type PodCheckOptions,
  rec,
  refText,
  renderScores,
  SEVERITIES,
  severityRank,
  sortFindings,
} from './checks/index.js';
import type { ClusterObjects } from './collect.js';
import { tokenlessServiceAccounts } from './scan.js';

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
  { pattern: /\bprobes?\b|liveness|readiness/i, checks: ['probe-liveness-missing', 'probe-readiness-missing'] },
  { pattern: /replica|\bha\b|high availability|disruption|\bpdb\b|spread|anti-?affinity/i, checks: ['workload-single-replica', 'workload-pdb-missing', 'workload-spread-missing', 'pdb-no-disruptions'] },
  { pattern: /read-?only|root ?file ?system/i, checks: ['read-only-root-fs'] },
  { pattern: /pull ?policy/i, checks: ['image-pull-policy'] },
  { pattern: /\btls\b|https|ingress/i, checks: ['ingress-tls-missing'] },
  { pattern: /automount|service ?account token/i, checks: ['service-account-token-automount'] },
  { pattern: /apparmor|selinux|sysctl|proc ?mount|hostprocess/i, checks: ['pss-baseline-apparmor', 'pss-baseline-selinux', 'pss-baseline-sysctls', 'pss-baseline-proc-mount', 'pss-baseline-host-process'] },
];

/** The checks a question narrows to, or undefined for a full report. */
export function focusOf(text: string): Set<string> | undefined {
  if (/\b(report|posture|audit|overall|how secure|everything|all checks|compliance)\b/i.test(text)) return undefined;
  const checks = FOCUS.filter((f) => f.pattern.test(text)).flatMap((f) => f.checks);
  return checks.length ? new Set(checks) : undefined;
}

/**
 * Every finding for the collected objects; pods are reported against their workload, once per
 * check. The live cluster shows every PDB, so a missing one is judged in every namespace read.
 */
export function postureFindings(
  objects: Pick<ClusterObjects, 'namespaces' | 'pods' | 'networkPolicies' | 'bindings' | 'roles'> & Partial<Pick<ClusterObjects, 'cronJobs' | 'configMaps' | 'workloads' | 'podDisruptionBudgets' | 'autoscalers' | 'serviceAccounts' | 'ingresses'>>,
  focus?: Set<string>,
  podOptions: PodCheckOptions = {},
): Finding[] {
  const accounts = (objects.serviceAccounts ?? []).map((sa) => ({ ...rec(sa), kind: 'ServiceAccount' }));
  const options: PodCheckOptions = { ...podOptions, tokenlessServiceAccounts: new Set([...tokenlessServiceAccounts(accounts), ...(podOptions.tokenlessServiceAccounts ?? [])]) };
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
    ...[...(objects.workloads ?? []), ...(objects.cronJobs ?? [])].flatMap((w) => checkNameLabel(w)),
    ...(objects.ingresses ?? []).flatMap((i) => checkIngressTls(i)),
    ...checkAvailability({ workloads: objects.workloads ?? [], podDisruptionBudgets: objects.podDisruptionBudgets ?? [], autoscalers: objects.autoscalers ?? [], pdbNamespaces: objects.podDisruptionBudgets ? objects.namespaces : [] }),
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
