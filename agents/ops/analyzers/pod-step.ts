/**
 * A pod's place in a root-cause chain: diagnosePod (../diagnose.ts) on the pod and its events,
 * as chain steps (the pod, then the object it lacks, if any) and evidence lines.
 */
import { diagnosePod, type Finding } from '../diagnose.js';
import type { Pod } from '../kube-objects.js';
import type { AnalyzeOptions, Snapshot } from './types.js';
import { keyOf, nm, nsOf, rawEventsAbout } from './util.js';

export interface PodStep {
  diagnosis: Finding;
  chain: string[];
  evidence: string[];
  /** The pod's key, for `covers`. */
  key: string;
}

/** The diagnosis of an unhealthy pod as chain steps; undefined for a healthy one. */
export function podStep(pod: Pod, s: Snapshot, o: AnalyzeOptions): PodStep | undefined {
  const name = nm(pod);
  const namespace = nsOf(pod);
  const previousLogs = s.previousLogs?.[`${namespace}/${name}`];
  const d = diagnosePod(pod, { events: rawEventsAbout(s, 'Pod', name, namespace), ...(previousLogs ? { previousLogs } : {}), ...(o.now !== undefined ? { now: o.now } : {}) });
  if (!d) return undefined;
  const chain = [`Pod ${name}: ${d.cause}${d.container ? ` (container ${d.container})` : ''}: ${d.summary.replace(/\.$/, '')}`];
  const missingKind = d.details?.missingKind;
  const missingName = d.details?.missingName;
  if (d.cause === 'MissingConfig' && typeof missingKind === 'string' && typeof missingName === 'string') {
    const key = typeof d.details?.missingKey === 'string' ? ` key ${d.details.missingKey}` : '';
    chain.push(`${missingKind} ${namespace}/${missingName}${key}: missing`);
  }
  return { diagnosis: d, chain, evidence: d.evidence.map((e) => `pod ${name}: ${e}`), key: keyOf({ kind: 'Pod', name, namespace }) };
}

/** The first pod step among several (one pod explains a workload; the rest share its cause). */
export function firstPodStep(pods: Pod[], s: Snapshot, o: AnalyzeOptions): { step?: PodStep; covers: string[] } {
  let step: PodStep | undefined;
  const covers: string[] = [];
  for (const p of pods) {
    const st = podStep(p, s, o);
    if (!st) continue;
    covers.push(st.key);
    step ??= st;
  }
  return { ...(step ? { step } : {}), covers };
}
