/**
 * Unhealthy pods on their own: each pod's diagnosis as a finding. A pod a workload finding
 * already explains is dropped by analyzeSnapshot's de-duplication (it is in that finding's covers).
 */
import { podStep } from './pod-step.js';
import type { AnalyzeOptions, AnalyzerFinding, Severity, Snapshot } from './types.js';
import { list, refOf } from './util.js';

const SEVERITY: Record<string, Severity> = { CrashLoopBackOff: 'high', OOMKilled: 'high', ImagePull: 'high', MissingConfig: 'high', CreateContainerError: 'high', Unschedulable: 'high', Failed: 'medium', Evicted: 'low', ProbeFailure: 'medium', NotReady: 'medium', Unknown: 'medium' };

export function analyzePods(s: Snapshot, o: AnalyzeOptions): AnalyzerFinding[] {
  const out: AnalyzerFinding[] = [];
  for (const pod of list(s.pods)) {
    if (!pod) continue;
    const step = podStep(pod, s, o);
    if (!step) continue;
    const d = step.diagnosis;
    out.push({
      object: refOf('Pod', pod),
      analyzer: 'pod-unhealthy',
      severity: SEVERITY[d.cause] ?? 'medium',
      summary: `Pod ${d.pod}${d.container ? ` (container ${d.container})` : ''}: ${d.summary}`,
      evidence: d.evidence,
      chain: step.chain,
      fix: { text: d.fix },
    });
  }
  return out;
}
