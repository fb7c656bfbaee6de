/**
 * A trend and when it reaches a threshold ("when will this container hit its memory limit?"). Pure.
 *
 * The fit is Theil–Sen (the median of the slopes between every pair of points), not least
 * squares: memory series have garbage-collection sawtooth, restarts and scrape glitches, and a
 * few such points swing a least-squares slope a lot while Theil–Sen ignores up to ~29 % of
 * outliers. Its band is Sen's rank-based 95 % interval for the slope (from Kendall's S variance;
 * it assumes independent residuals, so it is optimistic for strongly autocorrelated series),
 * plus the residual spread for predictions. Forecasts stop at a horizon — 4× the observed
 * window, at most 7 days — and say so rather than extrapolating further.
 */
import { mad, median, type Point } from './anomaly.js';

export interface TrendFit {
  /** Units per second. */
  slope: number;
  /** 95 % interval of the slope. */
  slopeLow: number;
  slopeHigh: number;
  /** The fitted value at `last` (the end of the data). */
  level: number;
  last: number;
  first: number;
  points: number;
  /** Robust σ of the residuals (1.4826 × MAD). */
  sigma: number;
}

export type ThresholdForecast =
  | { status: 'not-enough-data'; reason: string; points: number }
  | { status: 'already-reached'; fit: TrendFit; text: string }
  | { status: 'not-rising'; fit: TrendFit; text: string }
  | { status: 'beyond-horizon'; fit: TrendFit; horizonHours: number; text: string }
  | { status: 'rising'; fit: TrendFit; hours: number; earliestHours: number; latestHours: number | null; horizonHours: number; text: string };

export interface ForecastOptions {
  /** A value for a person: "512 MiB". */
  format?: (value: number) => string;
  /** What the threshold is: "its limit". */
  thresholdName?: string;
  /** Minimum points and span. Defaults 10 points over 30 minutes. */
  minPoints?: number;
  minSpanSeconds?: number;
}

export const MIN_POINTS = 10;
export const MIN_SPAN_SECONDS = 30 * 60;
const MAX_HORIZON_SECONDS = 7 * 86_400;
const HORIZON_FACTOR = 4;
/** More points than this are thinned evenly before the O(n²) pairwise slopes. */
const MAX_FIT_POINTS = 400;
const Z95 = 1.96;

function thin<T>(xs: T[], max: number): T[] {
  if (xs.length <= max) return xs;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(xs[Math.round((i * (xs.length - 1)) / (max - 1))]!);
  return out;
}

/** The finite points, sorted by time. */
function cleanPoints(series: Point[]): Array<[number, number]> {
  return series.filter((p): p is [number, number] => p[1] !== null && Number.isFinite(p[1]) && Number.isFinite(p[0])).sort((a, b) => a[0] - b[0]);
}

/** Theil–Sen fit with Sen's 95 % slope interval; undefined with fewer than 3 points. */
export function fitTrend(series: Point[]): TrendFit | undefined {
  const all = cleanPoints(series);
  if (all.length < 3) return undefined;
  const pts = thin(all, MAX_FIT_POINTS);
  const slopes: number[] = [];
  for (let i = 0; i < pts.length; i++) {
    for (let j = i + 1; j < pts.length; j++) {
      const dt = pts[j]![0] - pts[i]![0];
      if (dt > 0) slopes.push((pts[j]![1] - pts[i]![1]) / dt);
    }
  }
  slopes.sort((a, b) => a - b);
  const slope = median(slopes);
  const n = pts.length;
  const c = Z95 * Math.sqrt((n * (n - 1) * (2 * n + 5)) / 18);
  const lowIdx = Math.max(0, Math.floor((slopes.length - c) / 2));
  const highIdx = Math.min(slopes.length - 1, Math.ceil((slopes.length + c) / 2));
  const last = all[all.length - 1]![0];
  const intercept = median(pts.map(([t, v]) => v - slope * (t - last)));
  const residuals = pts.map(([t, v]) => v - (intercept + slope * (t - last)));
  return {
    slope,
    slopeLow: Math.min(slope, slopes[lowIdx]!),
    slopeHigh: Math.max(slope, slopes[highIdx]!),
    level: intercept,
    last,
    first: all[0]![0],
    points: all.length,
    sigma: 1.4826 * mad(residuals, 0),
  };
}

/** The fitted value `seconds` after the end of the data, with a 95 % band (slope interval plus residual spread). */
export function predict(fit: TrendFit, seconds: number): { value: number; low: number; high: number } {
  const value = fit.level + fit.slope * seconds;
  const a = fit.level + fit.slopeLow * seconds;
  const b = fit.level + fit.slopeHigh * seconds;
  return { value, low: Math.min(a, b) - Z95 * fit.sigma, high: Math.max(a, b) + Z95 * fit.sigma };
}

const hours = (seconds: number) => seconds / 3600;
/** "3.4 hours", "40 minutes", "2.1 days". */
export function formatHours(h: number): string {
  if (h < 1) return `${Math.max(1, Math.round(h * 60))} minutes`;
  if (h < 48) return `${h < 10 ? h.toFixed(1) : Math.round(h)} hours`;
  return `${(h / 24).toFixed(1)} days`;
}
const perHour = (fit: TrendFit, format: (v: number) => string) => `${fit.slope < 0 ? '-' : '+'}${format(Math.abs(fit.slope) * 3600)}/h`;

/** When the trend of a series reaches `threshold`, with a band, or why it cannot be said. */
export function timeToThreshold(series: Point[], threshold: number, options: ForecastOptions = {}): ThresholdForecast {
  const format = options.format ?? ((v: number) => Number(v.toPrecision(3)).toString());
  const what = options.thresholdName ?? 'the threshold';
  const minPoints = options.minPoints ?? MIN_POINTS;
  const minSpan = options.minSpanSeconds ?? MIN_SPAN_SECONDS;
  const pts = cleanPoints(series);
  const span = pts.length ? pts[pts.length - 1]![0] - pts[0]![0] : 0;
  const fit = fitTrend(pts);
  if (!fit || pts.length < minPoints || span < minSpan) {
    return { status: 'not-enough-data', points: pts.length, reason: `not enough data (need ≥ ${minPoints} points over ≥ ${Math.round(minSpan / 60)} minutes; have ${pts.length} over ${Math.round(span / 60)} minutes)` };
  }
  const lastValue = pts[pts.length - 1]![1];
  const target = `${what} ${format(threshold)}`;
  if (lastValue >= threshold || fit.level >= threshold) {
    return { status: 'already-reached', fit, text: `is already at ${target} (now ${format(lastValue)})` };
  }
  if (fit.slope <= 0 || fit.slopeLow <= 0) {
    const trend = fit.slope > 0 ? `a slight upward trend (${perHour(fit, format)}) that is not distinguishable from flat` : `trend ${perHour(fit, format)}`;
    return { status: 'not-rising', fit, text: `not rising toward ${target}: ${trend}, now ${format(fit.level)}` };
  }
  const horizon = Math.min(MAX_HORIZON_SECONDS, HORIZON_FACTOR * span);
  const gap = threshold - fit.level;
  const at = gap / fit.slope;
  const earliest = gap / fit.slopeHigh;
  const latest = gap / fit.slopeLow;
  if (earliest > horizon) {
    return {
      status: 'beyond-horizon',
      fit,
      horizonHours: hours(horizon),
      text: `not within ${formatHours(hours(horizon))} at the current trend (${perHour(fit, format)}, now ${format(fit.level)}); I do not forecast further than ${HORIZON_FACTOR}× the ${formatHours(hours(span))} observed (at most 7 days)`,
    };
  }
  const latestText = latest > horizon ? `more than ${formatHours(hours(horizon))}, my forecast horizon` : formatHours(hours(latest));
  const text =
    at > horizon
      ? `may reach ${target} — earliest in about ${formatHours(hours(earliest))}, most likely beyond my ${formatHours(hours(horizon))} horizon (trend ${perHour(fit, format)}, now ${format(fit.level)})`
      : `reaches ${target} in about ${formatHours(hours(at))} (between ${formatHours(hours(earliest))} and ${latestText}; trend ${perHour(fit, format)}, now ${format(fit.level)})`;
  return { status: 'rising', fit, hours: hours(at), earliestHours: hours(earliest), latestHours: latest > horizon ? null : hours(latest), horizonHours: hours(horizon), text };
}
