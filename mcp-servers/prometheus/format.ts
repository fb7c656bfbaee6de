/** Pure shaping of Prometheus results for people (tables) and programs (bounded JSON). */
import { renderTable } from '../../shared/table.js';

export type Metric = Record<string, string>;
export interface VectorSample {
  metric: Metric;
  value: [number, string];
}
export interface MatrixSeries {
  metric: Metric;
  values: Array<[number, string]>;
}

/** `up{job="etcd",instance="127.0.0.1:12379"}` */
export function seriesName(metric: Metric): string {
  const { __name__: name = '', ...labels } = metric;
  const inner = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  return inner ? `${name}{${inner}}` : name || '{}';
}

/** JSON has no NaN or ±Inf: those become null (Prometheus does return them). */
export function finite(value: string | number): number | null {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

export function formatNumber(value: string | number): string {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return String(value);
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 1000 || Math.abs(n) < 0.001 ? n.toPrecision(6) : String(Number(n.toFixed(6)));
}

export interface VectorView {
  text: string;
  series: Array<{ metric: Metric; value: number | null; timestamp: number }>;
  omitted: number;
}

/** An instant vector, largest values first, at most `limit` series. */
export function viewVector(samples: VectorSample[], limit: number): VectorView {
  const sorted = [...samples].sort((a, b) => Number(b.value[1]) - Number(a.value[1]));
  const shown = sorted.slice(0, limit);
  const rows = shown.map((s) => [seriesName(s.metric), formatNumber(s.value[1])]);
  const omitted = samples.length - shown.length;
  const text = shown.length ? renderTable(['Series', 'Value'], rows) : 'No series matched (empty result).';
  return {
    text: omitted ? `${text}\n${omitted} more series — aggregate (sum by (namespace) (…)) or keep the largest with topk(${limit}, …)` : text,
    series: shown.map((s) => ({ metric: s.metric, value: finite(s.value[1]), timestamp: s.value[0] })),
    omitted,
  };
}

export interface MatrixView {
  text: string;
  series: Array<{ metric: Metric; points: number; min: number | null; max: number | null; avg: number | null; last: number | null; values: Array<[number, number | null]> }>;
  omitted: number;
  downsampled: boolean;
}

/** A range result: a summary line per series and at most `maxPoints` evenly spread points each. */
export function viewMatrix(series: MatrixSeries[], limit: number, maxPoints: number): MatrixView {
  const shown = series.slice(0, limit);
  let downsampled = false;
  const views = shown.map((s) => {
    const nums = s.values.map(([t, v]) => [t, finite(v)] as [number, number | null]);
    const vals = nums.map(([, v]) => v).filter((v): v is number => v !== null);
    const stride = Math.max(1, Math.ceil(nums.length / maxPoints));
    if (stride > 1) downsampled = true;
    const values = nums.filter((_, i) => i % stride === 0 || i === nums.length - 1);
    return {
      metric: s.metric,
      points: nums.length,
      min: vals.length ? Math.min(...vals) : null,
      max: vals.length ? Math.max(...vals) : null,
      avg: vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : null,
      last: vals.at(-1) ?? null,
      values,
    };
  });
  const show = (n: number | null) => (n === null ? 'NaN' : formatNumber(n));
  const rows = views.map((v) => [seriesName(v.metric), v.points, show(v.min), show(v.avg), show(v.max), show(v.last)]);
  const omitted = series.length - shown.length;
  let text = views.length ? renderTable(['Series', 'Points', 'Min', 'Avg', 'Max', 'Last'], rows) : 'No series matched (empty result).';
  if (omitted) text += `\n${omitted} more series — aggregate (sum by (…)) or use topk(${limit}, …)`;
  if (downsampled) text += `\nPoints in structuredContent are thinned to ${maxPoints} per series — use a shorter range or a bigger step for full detail`;
  return { text, series: views, omitted, downsampled };
}
