/**
 * The watch's memory of what it found, de-duplicated across ticks. Pure.
 *
 * Each tick yields the problems seen now; a problem is one stable key (the analyzer and the object
 * it is about, or the anomalous metric and pod), so seeing it again only moves its last-seen time
 * and only its first sighting is news. A problem not seen again is resolved — but only when the
 * part of the cluster it belongs to was actually checked this tick: a namespace whose read failed
 * proves nothing, and its open problems stay open.
 */

export type WatchSource = 'analyzer' | 'anomaly';

/** One problem as a tick sees it. */
export interface Observation {
  /** Stable across ticks: `analyzer|service-no-endpoints|Service/shop/cart`. */
  key: string;
  source: WatchSource;
  /** The namespace it belongs to ('' for cluster-scoped objects). */
  namespace: string;
  severity: string;
  /** "Service shop/cart" or "pod shop/cart-1 cpu". */
  object: string;
  summary: string;
  /** The whole finding, for programs (never Secret values: the analyzers and detector give none). */
  detail?: unknown;
}

export interface WatchFinding extends Observation {
  /** Unix milliseconds. */
  firstSeen: number;
  lastSeen: number;
  /** Set once it is no longer seen; it then leaves the open set. */
  resolvedAt?: number;
}

/** The part of the cluster a tick checked with one source: `analyzer|shop`, or `analyzer|*` for all. */
export const unitOf = (source: WatchSource, namespace: string | undefined) => `${source}|${namespace ?? '*'}`;

export interface Reconciled {
  /** The open problems after this tick, by key. */
  open: Map<string, WatchFinding>;
  /** First seen this tick. */
  opened: WatchFinding[];
  /** Open before, not seen this tick, in a checked unit. */
  resolved: WatchFinding[];
}

/**
 * One tick: `observed` are the problems seen now, `checked` the units (see unitOf) whose checks
 * succeeded. Never mutates `open`.
 */
export function reconcile(open: ReadonlyMap<string, WatchFinding>, observed: Observation[], checked: ReadonlySet<string>, now: number): Reconciled {
  const next = new Map<string, WatchFinding>();
  const opened: WatchFinding[] = [];
  for (const o of observed) {
    if (next.has(o.key)) continue;
    const before = open.get(o.key);
    const f: WatchFinding = before ? { ...o, firstSeen: before.firstSeen, lastSeen: now } : { ...o, firstSeen: now, lastSeen: now };
    next.set(o.key, f);
    if (!before) opened.push(f);
  }
  const resolved: WatchFinding[] = [];
  for (const [key, f] of open) {
    if (next.has(key)) continue;
    const wasChecked = checked.has(unitOf(f.source, undefined)) || checked.has(unitOf(f.source, f.namespace));
    if (wasChecked) resolved.push({ ...f, resolvedAt: now });
    else next.set(key, f);
  }
  return { open: next, opened, resolved };
}
