/** HorizontalPodAutoscalers that cannot scale: a scale target that does not exist, ScalingActive/AbleToScale False (missing metrics). */
import type { AnalyzeOptions, AnalyzerFinding, Snapshot } from './types.js';
import { conditionLine, conditionOf, label, list, nm, nsOf, readable, refOf } from './util.js';

const TARGETS = { Deployment: 'deployments', StatefulSet: 'statefulsets', ReplicaSet: 'replicasets' } as const;

export function analyzeHpas(s: Snapshot, _o: AnalyzeOptions): AnalyzerFinding[] {
  const out: AnalyzerFinding[] = [];
  for (const hpa of list(s.hpas)) {
    if (!hpa) continue;
    const object = refOf('HorizontalPodAutoscaler', hpa);
    const ref = hpa.spec?.scaleTargetRef;
    const kind = ref?.kind ?? '';
    const field = TARGETS[kind as keyof typeof TARGETS];
    if (field && ref?.name && readable(s, field) && !list(s[field]).some((w) => w && nsOf(w) === nsOf(hpa) && nm(w) === ref.name)) {
      out.push({
        object,
        analyzer: 'hpa-target-missing',
        severity: 'high',
        summary: `${label(object)} scales ${kind} ${ref.name}, which does not exist in ${object.namespace ?? 'its namespace'}.`,
        evidence: [`spec.scaleTargetRef: ${kind}/${ref.name}`, `${kind} ${object.namespace}/${ref.name}: not found`],
        chain: [`${label(object)}: no target`, `${kind} ${object.namespace}/${ref.name}: missing`],
        fix: { text: `point scaleTargetRef at the workload to scale, or delete the autoscaler` },
      });
      continue;
    }
    const bad = ['AbleToScale', 'ScalingActive'].map((t) => conditionOf(hpa.status?.conditions, t)).filter((c) => c?.status === 'False');
    if (bad.length === 0) continue;
    const first = bad[0]!;
    const metrics = /metric|FailedGetResourceMetric|FailedGet/i.test(`${first.reason ?? ''} ${first.message ?? ''}`);
    out.push({
      object,
      analyzer: 'hpa-not-scaling',
      severity: 'medium',
      summary: `${label(object)} cannot scale ${kind} ${ref?.name ?? '?'}: ${first.type}=False (${first.reason ?? 'no reason'}).`,
      evidence: bad.map((c) => conditionLine(c!)),
      chain: [`${label(object)}: ${first.type}=False`, `${first.reason ?? '?'}: ${first.message ?? ''}`.trim()],
      fix: { text: metrics ? 'make the metrics available: metrics-server (resource metrics) or the adapter for custom metrics, and set resource requests on the containers the utilization is measured against' : 'see the condition message' },
    });
  }
  return out;
}
