/**
 * Which pods `kubectl drain` evicts, skips or refuses to touch, as pure logic over the pods on
 * a node. The rules are kubectl's; protected namespaces are ours: their pods are left in place.
 */

export interface DrainPod {
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string>; ownerReferences?: Array<{ kind?: string; name?: string; controller?: boolean }> };
  spec?: { volumes?: Array<{ name?: string; emptyDir?: unknown }> };
  status?: { phase?: string };
}

export interface DrainOptions {
  /** Skip DaemonSet pods (their controller would put them straight back). */
  ignoreDaemonSets: boolean;
  /** Evict pods with emptyDir volumes, whose data is lost. */
  deleteEmptyDirData: boolean;
  /** Evict pods no controller will recreate. */
  force: boolean;
  protectedNamespaces: string[];
}

export interface PodRef {
  namespace: string;
  name: string;
}

export interface DrainPlan {
  evict: PodRef[];
  /** Not evicted, and not in the way of a drain: DaemonSet and mirror pods. */
  skip: Array<PodRef & { reason: string }>;
  /** Not evicted, so the node is not empty afterwards: pods in protected namespaces. */
  leave: Array<PodRef & { reason: string }>;
  /** Reasons the drain must not start, each with the option that overrides it. */
  blockers: Array<PodRef & { reason: string; fix: string }>;
}

const ref = (pod: DrainPod): PodRef => ({ namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '' });

export function planDrain(pods: DrainPod[], options: DrainOptions): DrainPlan {
  const plan: DrainPlan = { evict: [], skip: [], leave: [], blockers: [] };
  for (const pod of pods) {
    const controller = pod.metadata?.ownerReferences?.find((o) => o.controller);
    const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    if (pod.metadata?.annotations?.['kubernetes.io/config.mirror'] !== undefined) {
      plan.skip.push({ ...ref(pod), reason: 'mirror pod (the kubelet runs it from a file)' });
    } else if (options.protectedNamespaces.includes(ref(pod).namespace)) {
      plan.leave.push({ ...ref(pod), reason: `namespace ${ref(pod).namespace} is protected (mcp.protectedNamespaces)` });
    } else if (controller?.kind === 'DaemonSet' && !finished) {
      if (options.ignoreDaemonSets) plan.skip.push({ ...ref(pod), reason: `DaemonSet-managed (${controller.name ?? ''})` });
      else plan.blockers.push({ ...ref(pod), reason: 'managed by a DaemonSet', fix: 'ignoreDaemonSets: true' });
    } else if (!controller && !finished && !options.force) {
      plan.blockers.push({ ...ref(pod), reason: 'not managed by a controller: nothing recreates it', fix: 'force: true' });
    } else if (!finished && pod.spec?.volumes?.some((v) => v.emptyDir !== undefined) && !options.deleteEmptyDirData) {
      plan.blockers.push({ ...ref(pod), reason: 'uses emptyDir: its data is lost', fix: 'deleteEmptyDirData: true' });
    } else {
      plan.evict.push(ref(pod));
    }
  }
  return plan;
}

/** kubectl's refusal, grouped by reason: "cannot evict: not managed by a controller (force: true): shop/a, shop/b". */
export function describeBlockers(blockers: DrainPlan['blockers']): string {
  const byReason = new Map<string, PodRef[]>();
  for (const b of blockers) byReason.set(`${b.reason} (override with ${b.fix})`, [...(byReason.get(`${b.reason} (override with ${b.fix})`) ?? []), b]);
  return [...byReason].map(([reason, pods]) => `${reason}: ${pods.map((p) => `${p.namespace}/${p.name}`).join(', ')}`).join('; ');
}
