import type { V1Pod } from '@kubernetes/client-node';

export interface PodSummary {
  /** What `kubectl get pods` prints in STATUS: Running, CrashLoopBackOff, Completed, Pending, … */
  status: string;
  ready: string;
  restarts: number;
  /** The scheduler's reason when the pod is not placed (e.g. Unschedulable), else undefined. */
  scheduling?: { reason: string; message: string } | undefined;
}

/** How many pods show each STATUS, e.g. { Running: 11, Pending: 1 }. */
export function countPodsByStatus(pods: V1Pod[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const pod of pods) {
    const status = summarizePod(pod).status;
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}

/**
 * The STATUS, READY and RESTARTS columns of `kubectl get pods`, computed the way kubectl's
 * printer does (pkg/printers/internalversion printPod), so answers match what a person sees.
 */
export function summarizePod(pod: V1Pod): PodSummary {
  const status = pod.status ?? {};
  let reason = status.reason || status.phase || 'Unknown';
  let restarts = 0;
  const containers = status.containerStatuses ?? [];
  const total = pod.spec?.containers?.length ?? containers.length;
  let readyCount = 0;

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  const initSpecs = pod.spec?.initContainers ?? [];
  initStatuses.forEach((c, i) => {
    restarts += c.restartCount ?? 0;
    if (initializing) return;
    const sidecar = initSpecs[i]?.restartPolicy === 'Always';
    if (c.state?.terminated?.exitCode === 0) return;
    if (sidecar && c.started) return;
    initializing = true;
    if (c.state?.terminated) {
      reason = c.state.terminated.reason ? `Init:${c.state.terminated.reason}` : `Init:ExitCode:${c.state.terminated.exitCode}`;
    } else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') {
      reason = `Init:${c.state.waiting.reason}`;
    } else {
      reason = `Init:${i}/${initSpecs.length || initStatuses.length}`;
    }
  });

  if (!initializing) {
    let hasRunning = false;
    for (const c of [...containers].reverse()) {
      restarts += c.restartCount ?? 0;
      if (c.ready) readyCount++;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated) {
        reason = c.state.terminated.signal ? `Signal:${c.state.terminated.signal}` : `ExitCode:${c.state.terminated.exitCode}`;
      } else if (c.ready && c.state?.running) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) {
      const readyCondition = status.conditions?.find((cond) => cond.type === 'Ready');
      reason = readyCondition?.status === 'True' ? 'Running' : 'NotReady';
    }
  } else {
    readyCount = containers.filter((c) => c.ready).length;
  }

  if (pod.metadata?.deletionTimestamp) reason = status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';

  const scheduled = status.conditions?.find((c) => c.type === 'PodScheduled');
  const scheduling =
    scheduled && scheduled.status === 'False' ? { reason: scheduled.reason ?? 'Unknown', message: scheduled.message ?? '' } : undefined;
  return { status: reason, ready: `${readyCount}/${total}`, restarts, scheduling };
}
