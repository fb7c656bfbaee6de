/**
 * Anomalies in one metric series, explained in words. Pure.
 *
 * Two robust opinions must agree before a point is called unusual, so that slow trends (the
 * forecast's business) and normal daily peaks are not reported:
 * - level: a robust z-score (median and MAD, which a spike cannot drag along the way a mean and
 *   standard deviation would) against a baseline. When the series reaches back ≥ 2 days before
 *   the point, the baseline is the same time of day on previous days (daily seasonality: the
 *   09:00 peak is compared with earlier 09:00s); otherwise the median of the preceding 6 h.
 * - change: the residual from an EWMA of the preceding points, scored robustly over the whole
 *   series, so a level the series has drifted to gradually does not count.
 * Consecutive unusual points form one episode, reported once at its most extreme point.
 * A flat stretch (MAD 0) gets a small scale floor instead of dividing by zero; too few points
 * give "not enough data", never a verdict.
 */

/** [unix seconds, value]; null values (gaps) are skipped. */
export type Point = [number, number | null];

export interface AnomalyOptions {
  /** What the series measures, for the reasons: "memory of shop/cart-1". */
  name?: string;
  /** A value for a person: "3.1 GiB". */
  format?: (value: number) => string;
  /** Only points at or after this time are judged (earlier ones are history). Default: all. */
  from?: number;
  /** Robust z beyond which the level is unusual. Default 3.5 (the usual cut for MAD scores). */
  threshold?: number;
  /** The trailing window of the non-seasonal baseline, seconds. Default 6 h. */
  window?: number;
  /** Ignore deviations smaller than this fraction of the baseline (noise in quiet series). Default 0.1. */
  minRelative?: number;
  /** Ignore deviations smaller than this, in the series' unit. Default 0. */
  minAbsolute?: number;
}

export interface Anomaly {
  time: number;
  value: number;
  /** What the point was compared with. */
  baseline: number;
  /** Robust z of the level (MADs from the baseline, signed). */
  score: number;
  /** Robust z of the EWMA residual. */
  changeScore: number;
  direction: 'above' | 'below';
  basis: 'same-time-previous-days' | 'trailing-window';
  /** The episode the point is the peak of. */
  start: number;
  end: number;
  /** The value at the same time of day yesterday, when the series has it. */
  yesterday?: number;
  reason: string;
}

export type AnomalyReport =
  | { status: 'not-enough-data'; points: number; reason: string }
  | { status: 'ok'; points: number; seasonal: boolean; anomalies: Anomaly[]; summary: string };

export const MIN_POINTS = 12;
/** Points the trailing baseline needs before it judges. */
const MIN_BASELINE = 8;
const DAY = 86_400;
/** MAD × 1.4826 estimates σ for normal data; 0.6745 = 1/1.4826 turns a MAD distance into a z. */
const MAD_Z = 0.6745;
const EWMA_ALPHA = 0.3;

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function mad(xs: number[], center = median(xs)): number {
  return median(xs.map((x) => Math.abs(x - center)));
}

/** A scale that is never 0: a flat series gets 0.1 % of its typical magnitude (or a tiny absolute). */
function scaleOf(deviation: number, typical: number): number {
  return Math.max(deviation, Math.abs(typical) * 1e-3, 1e-12);
}

const hhmm = (t: number) => new Date(t * 1000).toISOString().slice(11, 16);
const defaultFormat = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString());

/** The typical gap between points (median), for matching times of day. */
function stepOf(ts: number[]): number {
  return median(ts.slice(1).map((t, i) => t - ts[i]!)) || 60;
}

/** The values at the same time of day on previous days (t − 1 d, t − 2 d, …), nearest point within half a step (at least 1 min). */
function sameTimePreviousDays(ts: number[], vs: number[], t: number, tolerance: number): number[] {
  const out: number[] = [];
  for (let back = t - DAY; back >= ts[0]! - tolerance; back -= DAY) {
    const i = nearest(ts, back);
    if (i >= 0 && Math.abs(ts[i]! - back) <= tolerance) out.push(vs[i]!);
  }
  return out;
}

/** Index of the time nearest t in sorted ts (binary search), −1 when empty. */
function nearest(ts: number[], t: number): number {
  if (!ts.length) return -1;
  let lo = 0;
  let hi = ts.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ts[mid]! <= t) lo = mid;
    else hi = mid;
  }
  return Math.abs(ts[lo]! - t) <= Math.abs(ts[hi]! - t) ? lo : hi;
}

/** Finds the unusual points of a series and says why each is unusual. */
export function detectAnomalies(series: Point[], options: AnomalyOptions = {}): AnomalyReport {
  const clean = series.filter((p): p is [number, number] => p[1] !== null && Number.isFinite(p[1]) && Number.isFinite(p[0])).sort((a, b) => a[0] - b[0]);
  const ts = clean.map((p) => p[0]);
  const vs = clean.map((p) => p[1]);
  const from = options.from ?? ts[0] ?? 0;
  const judged = ts.filter((t) => t >= from).length;
  const name = options.name ?? 'the series';
  if (judged < MIN_POINTS) {
    return { status: 'not-enough-data', points: judged, reason: `not enough data for ${name}: ${judged} point${judged === 1 ? '' : 's'}, need at least ${MIN_POINTS}` };
  }
  const format = options.format ?? defaultFormat;
  const threshold = options.threshold ?? 3.5;
  const window = options.window ?? 6 * 3600;
  const minRelative = options.minRelative ?? 0.1;
  const minAbsolute = options.minAbsolute ?? 0;
  const step = stepOf(ts);
  const tolerance = Math.max(step / 2, 60);
  // Seasonal when the judged points can look back at least two days in this series.
  const seasonal = ts[ts.length - 1]! - ts[0]! >= 2 * DAY - tolerance;

  // EWMA residuals: each point against the smoothed past before it.
  const change: number[] = [0];
  let ewma = vs[0]!;
  for (let i = 1; i < vs.length; i++) {
    change.push(vs[i]! - ewma);
    ewma = EWMA_ALPHA * vs[i]! + (1 - EWMA_ALPHA) * ewma;
  }
  const changeMedian = median(change.slice(1));
  const changeScale = scaleOf(mad(change.slice(1), changeMedian), median(vs));

  // Level baselines, and their residuals' robust scale.
  const baselines: Array<{ baseline: number; yesterday?: number; scale?: number } | undefined> = vs.map((_, i) => {
    const t = ts[i]!;
    const yesterdayIdx = nearest(ts, t - DAY);
    const yesterday = yesterdayIdx >= 0 && Math.abs(ts[yesterdayIdx]! - (t - DAY)) <= tolerance ? vs[yesterdayIdx] : undefined;
    if (seasonal) {
      const previous = sameTimePreviousDays(ts, vs, t, tolerance);
      if (!previous.length) return undefined;
      return { baseline: median(previous), ...(yesterday !== undefined ? { yesterday } : {}) };
    }
    const before: number[] = [];
    for (let j = i - 1; j >= 0 && ts[j]! >= t - window; j--) before.push(vs[j]!);
    if (before.length < MIN_BASELINE) return undefined;
    const center = median(before);
    return { baseline: center, scale: scaleOf(mad(before, center), center), ...(yesterday !== undefined ? { yesterday } : {}) };
  });
  // Seasonal residuals share one scale: how far days differ from each other at the same time.
  const seasonalResiduals = seasonal ? baselines.flatMap((b, i) => (b ? [vs[i]! - b.baseline] : [])) : [];
  const seasonalScale = seasonal ? scaleOf(mad(seasonalResiduals, median(seasonalResiduals)), median(vs)) : 0;

  const flagged: Array<Omit<Anomaly, 'start' | 'end' | 'reason'> & { index: number }> = [];
  for (let i = 1; i < vs.length; i++) {
    const b = baselines[i];
    if (!b || ts[i]! < from) continue;
    const deviation = vs[i]! - b.baseline;
    const score = (MAD_Z * deviation) / (seasonal ? seasonalScale : b.scale!);
    const changeScore = (MAD_Z * (change[i]! - changeMedian)) / changeScale;
    const big = Math.abs(deviation) >= Math.max(minAbsolute, minRelative * Math.abs(b.baseline));
    // Same direction: a jump up after a dip is not "unusually high" by its change alone.
    if (Math.abs(score) >= threshold && Math.abs(changeScore) >= threshold * 0.85 && Math.sign(score) === Math.sign(changeScore) && big) {
      flagged.push({
        index: i,
        time: ts[i]!,
        value: vs[i]!,
        baseline: b.baseline,
        score,
        changeScore,
        direction: deviation > 0 ? 'above' : 'below',
        basis: seasonal ? 'same-time-previous-days' : 'trailing-window',
        ...(b.yesterday !== undefined ? { yesterday: b.yesterday } : {}),
      });
    }
  }

  // Episodes: flagged points no more than 3 steps apart; the most extreme one speaks for it.
  const anomalies: Anomaly[] = [];
  let group: typeof flagged = [];
  const close = () => {
    if (!group.length) return;
    const peak = group.reduce((a, b) => (Math.abs(b.score) > Math.abs(a.score) ? b : a));
    const { index: _index, ...rest } = peak;
    const start = group[0]!.time;
    const end = group[group.length - 1]!.time;
    const against =
      peak.basis === 'same-time-previous-days'
        ? `the median ${format(peak.baseline)} at this time on previous days`
        : `the median ${format(peak.baseline)} of the preceding ${Math.round(window / 360) / 10} h`;
    const reason =
      `${name} ${format(peak.value)} at ${hhmm(peak.time)} is ${Math.abs(peak.score).toFixed(1)} MADs ${peak.direction} ${against}` +
      (peak.yesterday !== undefined ? `; the same time yesterday it was ${format(peak.yesterday)}` : '') +
      (end > start ? ` (unusual from ${hhmm(start)} to ${hhmm(end)})` : '');
    anomalies.push({ ...rest, start, end, reason });
    group = [];
  };
  for (const f of flagged) {
    const last = group[group.length - 1];
    if (last && f.index - last.index > 3) close();
    group.push(f);
  }
  close();

  const judgedValues = vs.filter((_, i) => ts[i]! >= from);
  const flat = mad(judgedValues) === 0 && Math.max(...judgedValues) === Math.min(...judgedValues);
  const summary = anomalies.length
    ? `${anomalies.length} unusual episode${anomalies.length === 1 ? '' : 's'} in ${name}`
    : flat
      ? `nothing unusual in ${name}: flat at ${format(judgedValues[0]!)}`
      : `nothing unusual in ${name}${seasonal ? ' (compared with the same time on previous days)' : ''}`;
  return { status: 'ok', points: judged, seasonal, anomalies, summary };
}
