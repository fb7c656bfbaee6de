/**
 * Workloads short of available replicas (Deployment, StatefulSet, DaemonSet, a ReplicaSet no
 * Deployment owns), down the chain to the pod that shows why; and rollouts that stopped
 * progressing (ProgressDeadlineExceeded) while the old pods still serve.
 */
import type { Pod } from '../kube-objects.js';
import { firstPodStep } from './pod-step.js';
import type { AnalyzeOptions, AnalyzerFinding, Snapshot, Workload } from './types.js';
import { conditionLine, conditionOf, eventsAbout, keyOf, label, list, matchesSelector, nm, nsOf, readable, refOf } from './util.js';

const owned = (o: { metadata?: { ownerReferences?: Array<{ kind?: string | null; name?: string | null }> | null } | null } | null | undefined, kind: string, name: string) =>
  list(o?.metadata?.ownerReferences).some((r) => r?.kind === kind && r?.name === name);

/** The pods of a workload: by owner (Deployments through their ReplicaSets), else by selector. */
export function podsOf(kind: string, w: Workload, s: Snapshot): Pod[] {
  const name = nm(w);
  const ns = nsOf(w);
  const inNs = list(s.pods).filter((p) => p && (p.metadata?.namespace ?? '') === ns);
  const owners = kind === 'Deployment' ? list(s.replicasets).filter((rs) => nsOf(rs) === ns && owned(rs, 'Deployment', name)).map((rs) => ['ReplicaSet', nm(rs)] as const) : [[kind, name] as const];
  const byOwner = inNs.filter((p) => owners.some(([k, n]) => owned(p, k, n)));
  if (byOwner.length > 0) return byOwner;
  return w.spec?.selector ? inNs.filter((p) => matchesSelector(w.spec?.selector, p.metadata?.labels, false)) : [];
}

function counts(kind: string, w: Workload): { desired: number; available: number; ready: number } {
  if (kind === 'DaemonSet') return { desired: w.status?.desiredNumberScheduled ?? 0, available: w.status?.numberAvailable ?? 0, ready: w.status?.numberReady ?? 0 };
  return { desired: w.spec?.replicas ?? 1, available: w.status?.availableReplicas ?? 0, ready: w.status?.readyReplicas ?? 0 };
}

function analyzeOne(kind: string, w: Workload, s: Snapshot, o: AnalyzeOptions): AnalyzerFinding[] {
  if (!nm(w)) return [];
  const object = refOf(kind, w);
  const { desired, available } = counts(kind, w);
  const progressing = conditionOf(w.status?.conditions, 'Progressing');
  const stuck = progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded';
  const failure = conditionOf(w.status?.conditions, 'ReplicaFailure');
  const conditions = [progressing, failure, conditionOf(w.status?.conditions, 'Available')].filter((c) => c && (c.status === 'False' || (c.type === 'ReplicaFailure' && c.status === 'True')));
  const evidence = [`${kind === 'DaemonSet' ? 'numberAvailable' : 'availableReplicas'} ${available} of ${desired} desired`, ...conditions.map((c) => conditionLine(c!)), ...eventsAbout(s, kind, object.name, object.namespace).filter((e) => e.startsWith('event Warning')).slice(-2)];
  const pods = podsOf(kind, w, s);
  const { step, covers } = firstPodStep(pods, s, o);
  const chain = [`${label(object)}: ${available}/${desired} available${stuck ? ', rollout past its progress deadline' : ''}`];
  if (step) chain.push(...step.chain);
  else if (failure?.status === 'True') chain.push(`ReplicaFailure: ${failure.reason ?? ''} ${failure.message ?? ''}`.trim());
  else if (!readable(s, 'pods')) chain.push('its pods were not all read');
  else if (pods.length === 0 && desired > 0) chain.push('no pods exist for it');
  if (step) evidence.push(...step.evidence);
  if (available < desired) {
    const fixText = step ? step.diagnosis.fix : failure?.status === 'True' ? 'fix what the ReplicaFailure condition names (quota, admission, service account); the controller then creates the pods' : `look at the pods of ${label(object)} and their events`;
    return [
      {
        object,
        analyzer: 'workload-unavailable',
        severity: available === 0 ? 'critical' : 'high',
        summary: `${label(object)} has ${available} of ${desired} replicas available${step ? `: ${step.diagnosis.cause} — ${step.diagnosis.summary.replace(/\.$/, '')}` : ''}${stuck ? ' (rollout stuck: ProgressDeadlineExceeded)' : ''}.`,
        evidence,
        chain,
        fix: { text: fixText },
        covers: [...covers, ...list(s.replicasets).filter((rs) => nsOf(rs) === object.namespace && owned(rs, kind, object.name)).map((rs) => keyOf(refOf('ReplicaSet', rs)))],
      },
    ];
  }
  if (stuck) {
    return [
      {
        object,
        analyzer: 'workload-rollout-stuck',
        severity: 'high',
        summary: `${label(object)}'s rollout stopped progressing (ProgressDeadlineExceeded): ${w.status?.updatedReplicas ?? 0} of ${desired} replicas updated, the old ones still serve.`,
        evidence,
        chain: [...chain, ...(step ? [] : [`Progressing=False: ${progressing?.message ?? 'ProgressDeadlineExceeded'}`])],
        fix: {
          text: step ? `${step.diagnosis.fix}; or roll back to the previous revision` : 'find why the new pods do not become available, or roll back to the previous revision',
          command: ['kubectl', 'rollout', 'undo', `${kind.toLowerCase()}/${object.name}`, '-n', object.namespace ?? ''],
        },
        covers,
      },
    ];
  }
  return [];
}

export function analyzeWorkloads(s: Snapshot, o: AnalyzeOptions): AnalyzerFinding[] {
  const out: AnalyzerFinding[] = [];
  for (const w of list(s.deployments)) if (w) out.push(...analyzeOne('Deployment', w, s, o));
  for (const w of list(s.statefulsets)) if (w) out.push(...analyzeOne('StatefulSet', w, s, o));
  for (const w of list(s.daemonsets)) if (w) out.push(...analyzeOne('DaemonSet', w, s, o));
  // A ReplicaSet a Deployment owns is judged through the Deployment (old ones sit at 0 replicas).
  for (const w of list(s.replicasets)) if (w && !list(w.metadata?.ownerReferences).some((r) => r?.kind === 'Deployment')) out.push(...analyzeOne('ReplicaSet', w, s, o));
  return out;
}
