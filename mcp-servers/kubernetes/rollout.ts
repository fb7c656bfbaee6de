/** `kubectl rollout status` for Deployments, StatefulSets and DaemonSets, as pure logic. */

interface WorkloadLike {
  kind?: string;
  metadata?: { name?: string; generation?: number };
  spec?: { replicas?: number; updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } } };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    desiredNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
    conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }>;
  };
}

export interface RolloutStatus {
  done: boolean;
  message: string;
}

export function rolloutStatus(w: WorkloadLike): RolloutStatus {
  const name = w.metadata?.name ?? '';
  const s = w.status ?? {};
  if ((w.metadata?.generation ?? 0) > (s.observedGeneration ?? 0)) return { done: false, message: `Waiting for ${name} spec update to be observed...` };
  if (w.kind === 'DaemonSet') {
    const desired = s.desiredNumberScheduled ?? 0;
    if ((s.updatedNumberScheduled ?? 0) < desired) return { done: false, message: `Waiting for daemon set "${name}" rollout to finish: ${s.updatedNumberScheduled ?? 0} out of ${desired} new pods have been updated...` };
    if ((s.numberAvailable ?? 0) < desired) return { done: false, message: `Waiting for daemon set "${name}" rollout to finish: ${s.numberAvailable ?? 0} of ${desired} updated pods are available...` };
    return { done: true, message: `daemon set "${name}" successfully rolled out` };
  }
  const desired = w.spec?.replicas ?? 1;
  if (w.kind === 'StatefulSet') {
    if ((s.readyReplicas ?? 0) < desired) return { done: false, message: `Waiting for ${desired - (s.readyReplicas ?? 0)} pods to be ready...` };
    if (w.spec?.updateStrategy?.type === 'RollingUpdate' && s.updateRevision !== s.currentRevision && !(w.spec.updateStrategy.rollingUpdate?.partition ?? 0)) {
      return { done: false, message: `waiting for statefulset rolling update to complete ${s.updatedReplicas ?? 0} pods at revision ${s.updateRevision}...` };
    }
    return { done: true, message: `statefulset rolling update complete ${s.readyReplicas ?? 0} pods at revision ${s.currentRevision ?? s.updateRevision ?? ''}...` };
  }
  const progressing = s.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return { done: false, message: `deployment "${name}" exceeded its progress deadline` };
  const updated = s.updatedReplicas ?? 0;
  if (updated < desired) return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${desired} new replicas have been updated...` };
  if ((s.replicas ?? 0) > updated) return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${(s.replicas ?? 0) - updated} old replicas are pending termination...` };
  if ((s.availableReplicas ?? 0) < updated) return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${s.availableReplicas ?? 0} of ${updated} updated replicas are available...` };
  return { done: true, message: `deployment "${name}" successfully rolled out` };
}
