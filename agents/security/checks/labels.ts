/**
 * The recommended label app.kubernetes.io/name on workloads (Polaris: metadataAndNameMismatched).
 * Polaris wants it equal to metadata.name; the label names the application, which may rightly
 * differ from one workload's name (a chart's release prefix), so only a missing label is reported,
 * at info: policies, NetworkPolicies and dashboards select by it. Pure.
 */
import { type Finding, type ObjectRef, rec, refOf, str } from './types.js';

const NAME_LABEL = 'app.kubernetes.io/name';

export function checkNameLabel(workload: unknown, ref: ObjectRef = refOf(workload)): Finding[] {
  const labels = rec(rec(rec(workload).metadata).labels);
  if (str(labels[NAME_LABEL])) return [];
  return [
    {
      severity: 'info',
      check: 'label-app-name-missing',
      object: ref,
      evidence: `no ${NAME_LABEL} label${Object.keys(labels).length ? ` (labels: ${Object.keys(labels).join(', ')})` : ''}: policies and tools that select by the recommended labels miss it`,
      fix: `Label the workload and its pod template with ${NAME_LABEL} (and app.kubernetes.io/instance, part-of) so policies, NetworkPolicies and dashboards can select it.`,
      remediation: ['metadata:', '  labels:', `    ${NAME_LABEL}: ${ref.name}`].join('\n'),
    },
  ];
}
