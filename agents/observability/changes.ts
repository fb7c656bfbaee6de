/**
 * Recent changes near an anomaly, ranked. Pure.
 *
 * An unusual CPU or memory episode is most often explained by something a person or a controller
 * just did: a rollout of the owning Deployment, a ConfigMap or Secret that was created or edited,
 * pods killed, images pulled, replicas scaled. This turns ReplicaSets, ConfigMap/Secret metadata
 * and events into one list of dated changes, then ranks those near an anomaly by how close in
 * time they are (before the episode began counts more than after) and how close to the anomalous
 * pod they are (its own workload or pod, then its namespace), and says it in words: "began 2 min
 * after Deployment shop/cart rolled out revision 7 (image cart:1.3 → cart:1.4)".
 */

/** Where a change happened: `kind` as Kubernetes spells it (Deployment, ConfigMap, Pod…). */
export interface ChangeObject {
  kind: string;
  namespace: string;
  name: string;
}

export interface ClusterChange {
  /** Unix seconds. */
  time: number;
  source: 'rollout' | 'config' | 'event';
  object: ChangeObject;
  /** What happened, after the object's name: "rolled out revision 7 (image cart:1.3 → cart:1.4)". */
  what: string;
  /** The event reason, for events. */
  reason?: string;
}

/** What is unusual: a pod's metric whose episode began at `start`. */
export interface AnomalyTarget {
  namespace: string;
  pod?: string;
  /** When the episode began (unix seconds). */
  start: number;
}

export type Relation = 'same-pod' | 'same-workload' | 'same-namespace';

export interface Correlation {
  change: ClusterChange;
  relation: Relation;
  /** Seconds from the change to the start of the episode: positive when the change came first. */
  lead: number;
  /** Higher is a likelier cause; for ordering only. */
  score: number;
  /** "began 2 min after Deployment shop/cart rolled out revision 7 (…)". */
  text: string;
}

export interface CorrelateOptions {
  /** How long before the episode a change may have happened, seconds (default 1 h). */
  before?: number;
  /** How long after the episode began a change still counts (the anomaly may have caused it), seconds (default 5 min). */
  after?: number;
  /** At most this many (default 3). */
  max?: number;
}

// -- building the change list ----------------------------------------------------------------

interface Meta {
  name?: string | null;
  namespace?: string | null;
  creationTimestamp?: string | null;
  annotations?: Record<string, string> | null;
  ownerReferences?: Array<{ kind?: string | null; name?: string | null; controller?: boolean | null } | null> | null;
  managedFields?: Array<{ time?: string | null; operation?: string | null; manager?: string | null } | null> | null;
}

/** A ReplicaSet as the collector reads it; every field may be missing. */
export interface ReplicaSetLike {
  metadata?: Meta | null;
  spec?: { template?: { spec?: { containers?: Array<{ name?: string | null; image?: string | null } | null> | null } | null } | null } | null;
}

/** A ConfigMap or Secret's metadata (never its data). */
export interface ConfigLike {
  metadata?: Meta | null;
}

/** An event as k8s_events returns it. */
export interface EventLike {
  namespace?: string | null;
  type?: string | null;
  reason?: string | null;
  object?: string | null;
  message?: string | null;
  last?: string | null;
}

const seconds = (iso: string | null | undefined): number | undefined => {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
};

const imagesOf = (rs: ReplicaSetLike) => (rs.spec?.template?.spec?.containers ?? []).map((c) => c?.image).filter((i): i is string => typeof i === 'string' && i.length > 0);

/** "cart:1.3 → cart:1.4", or the images of the new revision when no container's image changed. */
function imageChange(before: string[], after: string[]): string {
  const changed = after.map((img, i) => [before[i], img] as const).filter(([b, a]) => b !== undefined && b !== a);
  if (changed.length) return `image ${changed.map(([b, a]) => `${b} → ${a}`).join(', ')}`;
  return after.length ? `image ${after.join(', ')}` : 'no image';
}

/**
 * One rollout per ReplicaSet of a Deployment: its creation is when that revision rolled out, with
 * the images it changed against the previous revision. A revision rolled back to reuses an old
 * ReplicaSet, whose creation time is then the original rollout's — that rollback is not seen here
 * (its ScalingReplicaSet events are).
 */
export function rolloutChanges(replicasets: Array<ReplicaSetLike | null | undefined>): ClusterChange[] {
  const byOwner = new Map<string, Array<{ rs: ReplicaSetLike; revision: number; time: number; owner: string; namespace: string }>>();
  for (const rs of replicasets) {
    const meta = rs?.metadata;
    const owner = meta?.ownerReferences?.find((o) => o?.kind === 'Deployment' && o.name)?.name;
    const time = seconds(meta?.creationTimestamp);
    if (!rs || !owner || time === undefined || !meta?.namespace) continue;
    const revision = Number(meta.annotations?.['deployment.kubernetes.io/revision'] ?? NaN);
    const key = `${meta.namespace}/${owner}`;
    byOwner.set(key, [...(byOwner.get(key) ?? []), { rs, revision: Number.isFinite(revision) ? revision : 0, time, owner, namespace: meta.namespace }]);
  }
  const out: ClusterChange[] = [];
  for (const list of byOwner.values()) {
    list.sort((a, b) => a.time - b.time || a.revision - b.revision);
    list.forEach((x, i) => {
      const previous = list[i - 1];
      const revision = x.revision ? `revision ${x.revision}` : 'a new revision';
      const what = previous ? `rolled out ${revision} (${imageChange(imagesOf(previous.rs), imagesOf(x.rs))})` : `rolled out ${revision} (${imageChange([], imagesOf(x.rs))})`;
      out.push({ time: x.time, source: 'rollout', object: { kind: 'Deployment', namespace: x.namespace, name: x.owner }, what });
    });
  }
  return out;
}

/**
 * A ConfigMap or Secret's last write: the newest managedFields time when the object carries them
 * (an edit), else its creation. Only names and times are read: never data.
 */
export function configChanges(kind: 'ConfigMap' | 'Secret', objects: Array<ConfigLike | null | undefined>): ClusterChange[] {
  const out: ClusterChange[] = [];
  for (const o of objects) {
    const meta = o?.metadata;
    if (!meta?.name || !meta.namespace) continue;
    const created = seconds(meta.creationTimestamp);
    // The latest write of any manager; who made it says whether a person (kubectl) or a controller did.
    const latest = (meta.managedFields ?? []).reduce<{ time: number; manager?: string | null | undefined } | undefined>((best, f) => {
      const t = seconds(f?.time);
      return t !== undefined && (!best || t > best.time) ? { time: t, manager: f?.manager } : best;
    }, undefined);
    if (latest && (created === undefined || latest.time > created + 1)) out.push({ time: latest.time, source: 'config', object: { kind, namespace: meta.namespace, name: meta.name }, what: `was edited${latest.manager ? ` (by ${latest.manager})` : ''}` });
    else if (created !== undefined) out.push({ time: created, source: 'config', object: { kind, namespace: meta.namespace, name: meta.name }, what: 'was created' });
  }
  return out;
}

/** Event reasons that mark a change (Normal ones; every Warning counts too). */
const CHANGE_REASONS = new Set(['ScalingReplicaSet', 'Killing', 'Pulled', 'Pulling', 'SuccessfulCreate', 'SuccessfulDelete', 'SuccessfulRescale', 'Scheduled', 'Preempted', 'Evicted', 'NodeNotReady', 'Rebooted', 'OOMKilling', 'DeploymentRollback']);

const KINDS: Record<string, string> = {
  pod: 'Pod',
  deployment: 'Deployment',
  replicaset: 'ReplicaSet',
  statefulset: 'StatefulSet',
  daemonset: 'DaemonSet',
  horizontalpodautoscaler: 'HorizontalPodAutoscaler',
  node: 'Node',
  job: 'Job',
  cronjob: 'CronJob',
  configmap: 'ConfigMap',
  secret: 'Secret',
};

/** Events that mark a change (see CHANGE_REASONS, and every Warning), as changes of the object they are about. */
export function eventChanges(events: Array<EventLike | null | undefined>): ClusterChange[] {
  const out: ClusterChange[] = [];
  for (const e of events) {
    const time = seconds(e?.last);
    const [kind, name] = (e?.object ?? '').split('/');
    if (!e || time === undefined || !kind || !name || !e.reason) continue;
    if (e.type !== 'Warning' && !CHANGE_REASONS.has(e.reason)) continue;
    const message = (e.message ?? '').replace(/\s+/g, ' ').trim().slice(0, 160);
    out.push({ time, source: 'event', reason: e.reason, object: { kind: KINDS[kind.toLowerCase()] ?? kind, namespace: e.namespace ?? '', name }, what: `had event ${e.reason}${message ? ` (${message})` : ''}` });
  }
  return out;
}

// -- ranking ---------------------------------------------------------------------------------------

/** Whether a pod belongs to a workload by the names controllers give: `cart-7d9f8-x2k4q` to Deployment and ReplicaSet `cart[-7d9f8]`, `db-0` to StatefulSet `db`. */
export function podOf(pod: string, kind: string, name: string): boolean {
  if (kind === 'Pod') return pod === name;
  if (kind === 'StatefulSet') return new RegExp(`^${escape(name)}-\\d+$`).test(pod);
  if (kind === 'Deployment') return new RegExp(`^${escape(name)}-[a-z0-9]{6,10}-[a-z0-9]{5}$`).test(pod);
  if (kind === 'ReplicaSet' || kind === 'DaemonSet' || kind === 'Job') return new RegExp(`^${escape(name)}-[a-z0-9]{5}$`).test(pod);
  return false;
}
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** "45 s", "2 min", "3 h". */
export function durationText(s: number): string {
  const a = Math.abs(Math.round(s));
  if (a < 90) return `${a} s`;
  if (a < 90 * 60) return `${Math.round(a / 60)} min`;
  return `${Math.round(a / 3600)} h`;
}

const RELATION_WEIGHT: Record<Relation, number> = { 'same-pod': 3, 'same-workload': 3, 'same-namespace': 1 };
/** Rollouts and config writes change what runs; events mostly report it. */
const SOURCE_WEIGHT: Record<ClusterChange['source'], number> = { rollout: 1.5, config: 1.2, event: 1 };

function relationOf(target: AnomalyTarget, change: ClusterChange): Relation | undefined {
  if (change.object.namespace !== target.namespace) return undefined;
  if (target.pod && change.object.kind === 'Pod') return change.object.name === target.pod ? 'same-pod' : 'same-namespace';
  if (target.pod && podOf(target.pod, change.object.kind, change.object.name)) return 'same-workload';
  return 'same-namespace';
}

/** A change's words in a correlation: "began 2 min after Deployment shop/cart rolled out …". */
export function correlationText(change: ClusterChange, lead: number): string {
  const when = lead >= 0 ? `began ${durationText(lead)} after` : `began ${durationText(lead)} before`;
  return `${when} ${change.object.kind} ${change.object.namespace}/${change.object.name} ${change.what}`;
}

/**
 * The changes near an anomaly, likeliest cause first: within `before` seconds before the episode
 * began or `after` seconds after, in its namespace. Score = relation × source × closeness, where
 * closeness halves every 10 minutes away and a change after the start counts half. Repeats of one
 * event reason on one object keep the nearest only; of a Deployment's rollouts before the start,
 * only the last (what was running) counts. `changes` are oldest first, as the builders and the
 * collector give them (same-second rollouts in revision order).
 */
export function correlate(target: AnomalyTarget, changes: ClusterChange[], options: CorrelateOptions = {}): Correlation[] {
  const before = options.before ?? 3600;
  const after = options.after ?? 300;
  // Of the rollouts of one Deployment before the episode, only the last one was running: the earlier are superseded.
  const running = new Map<string, ClusterChange>();
  for (const c of changes) if (c.source === 'rollout' && c.time <= target.start) running.set(`${c.object.namespace}/${c.object.name}`, c);
  const scored: Correlation[] = [];
  for (const change of changes) {
    if (change.source === 'rollout' && change.time <= target.start && running.get(`${change.object.namespace}/${change.object.name}`) !== change) continue;
    const lead = target.start - change.time;
    if (lead > before || lead < -after) continue;
    const relation = relationOf(target, change);
    if (!relation) continue;
    const closeness = 0.5 ** (Math.abs(lead) / 600) * (lead < 0 ? 0.5 : 1);
    scored.push({ change, relation, lead, score: RELATION_WEIGHT[relation] * SOURCE_WEIGHT[change.source] * closeness, text: correlationText(change, lead) });
  }
  scored.sort((a, b) => b.score - a.score || Math.abs(a.lead) - Math.abs(b.lead));
  const seen = new Set<string>();
  const out: Correlation[] = [];
  for (const c of scored) {
    const key = `${c.change.source}|${c.change.reason ?? c.change.what}|${c.change.object.kind}/${c.change.object.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
    if (out.length >= (options.max ?? 3)) break;
  }
  return out;
}
