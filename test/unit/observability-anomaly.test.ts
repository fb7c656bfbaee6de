import { describe, expect, it } from 'vitest';
import { historyPromql } from '../../agents/observability/anomalies-run.js';
import { detectAnomalies, mad, median, MIN_POINTS, type Point } from '../../agents/observability/anomaly.js';
import { pickSkill } from '../../agents/observability/skills.js';

const T0 = Date.UTC(2026, 10, 20, 0, 0, 0) / 1000;
const MIN = 60;
const HOUR = 3600;
/** Deterministic noise in [-1, 1). */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}
const series = (n: number, step: number, f: (t: number, i: number) => number | null): Point[] => Array.from({ length: n }, (_, i) => [T0 + i * step, f(T0 + i * step, i)]);

describe('median and MAD', () => {
  it('are robust to one wild value', () => {
    expect(median([1, 2, 3, 4, 1000])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(mad([1, 2, 3, 4, 1000])).toBe(1);
  });
});

describe('detectAnomalies', () => {
  it('too few points: not enough data, no verdict', () => {
    const r = detectAnomalies(series(MIN_POINTS - 1, MIN, () => 5), { name: 'cpu of a' });
    expect(r.status).toBe('not-enough-data');
    if (r.status === 'not-enough-data') expect(r.reason).toBe(`not enough data for cpu of a: ${MIN_POINTS - 1} points, need at least ${MIN_POINTS}`);
    // Gaps (null) do not count as points.
    expect(detectAnomalies(series(40, MIN, (_, i) => (i % 4 ? null : 1))).status).toBe('not-enough-data');
  });

  it('flat series: nothing unusual, said as flat (MAD 0 does not divide by zero)', () => {
    const r = detectAnomalies(series(120, MIN, () => 0.25), { name: 'cpu' });
    expect(r).toMatchObject({ status: 'ok', anomalies: [], summary: 'nothing unusual in cpu: flat at 0.25' });
  });

  it('a spike in a flat series is found, with its reason', () => {
    const r = detectAnomalies(series(120, MIN, (_, i) => (i === 90 ? 2 : 0.25)), { name: 'cpu of shop/cart', format: (v) => `${v.toFixed(2)} cores` });
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(r.anomalies).toHaveLength(1);
    expect(r.anomalies[0]).toMatchObject({ time: T0 + 90 * MIN, value: 2, baseline: 0.25, direction: 'above', basis: 'trailing-window' });
    expect(r.anomalies[0]!.reason).toMatch(/^cpu of shop\/cart 2\.00 cores at 01:30 is \d+\.\d MADs above the median 0\.25 cores of the preceding 6 h$/);
  });

  it('a spike in a noisy series is found once (one episode), the noise is not', () => {
    const rnd = noise(7);
    const pts = series(360, MIN, (_, i) => 1 + 0.05 * rnd() + (i >= 200 && i < 206 ? 1.5 : 0));
    const r = detectAnomalies(pts);
    if (r.status !== 'ok') throw new Error(r.reason);
    expect(r.anomalies).toHaveLength(1);
    const a = r.anomalies[0]!;
    expect(a.time).toBeGreaterThanOrEqual(T0 + 200 * MIN);
    expect(a.time).toBeLessThan(T0 + 206 * MIN);
    expect(a.start).toBe(T0 + 200 * MIN);
    expect(a.score).toBeGreaterThan(3.5);
  });

  it('a dip is reported as below', () => {
    const rnd = noise(3);
    const r = detectAnomalies(series(200, MIN, (_, i) => 10 + 0.2 * rnd() - (i === 150 ? 6 : 0)));
    if (r.status !== 'ok') throw new Error(r.reason);
    expect(r.anomalies.map((a) => [a.time, a.direction])).toEqual([[T0 + 150 * MIN, 'below']]);
  });

  it('linear growth and steady decrease are trends, not anomalies', () => {
    const rnd = noise(11);
    for (const slope of [1, -1]) {
      const r = detectAnomalies(series(360, MIN, (_, i) => 500 + slope * i + 2 * rnd()));
      expect(r).toMatchObject({ status: 'ok', anomalies: [] });
    }
  });

  it('a series of 3 days: the daily peak is normal, the same peak at another hour is not', () => {
    const rnd = noise(5);
    const peakAt = 14 * HOUR;
    const daily = (t: number) => {
      const d = (((t - T0 - peakAt) % 86_400) + 86_400) % 86_400;
      const dist = Math.min(d, 86_400 - d);
      return 0.2 + 0.6 * Math.exp(-((dist / (40 * MIN)) ** 2));
    };
    const step = 5 * MIN;
    const n = (3 * 86_400) / step;
    const spikeAt = T0 + 2 * 86_400 + 20 * HOUR;
    const pts = series(n, step, (t) => daily(t) + 0.02 * rnd() + (t >= spikeAt && t < spikeAt + 15 * MIN ? 0.6 : 0));
    const r = detectAnomalies(pts, { name: 'cpu', format: (v) => v.toFixed(2) });
    if (r.status !== 'ok') throw new Error(r.reason);
    expect(r.seasonal).toBe(true);
    expect(r.anomalies).toHaveLength(1);
    const a = r.anomalies[0]!;
    expect(a.basis).toBe('same-time-previous-days');
    expect(a.time).toBeGreaterThanOrEqual(spikeAt);
    expect(a.time).toBeLessThan(spikeAt + 15 * MIN);
    expect(a.yesterday).toBeCloseTo(0.2, 1);
    expect(a.reason).toMatch(/^cpu 0\.\d\d at 20:\d\d is \d+\.\d MADs above the median 0\.\d\d at this time on previous days; the same time yesterday it was 0\.\d\d/);
    // Without the history the same peaks would look unusual: the seasonality is what keeps them quiet.
    const lastDay = pts.filter(([t]) => t >= T0 + 2 * 86_400);
    const plain = detectAnomalies(lastDay);
    if (plain.status !== 'ok') throw new Error(plain.reason);
    expect(plain.seasonal).toBe(false);
    expect(plain.anomalies.some((x) => Math.abs(x.time - (T0 + 2 * 86_400 + peakAt)) < 2 * HOUR)).toBe(true);
  });

  it('`from` judges only the recent part; earlier points are history', () => {
    const pts = series(120, MIN, (_, i) => (i === 20 || i === 100 ? 5 : 1));
    const r = detectAnomalies(pts, { from: T0 + 60 * MIN });
    if (r.status !== 'ok') throw new Error(r.reason);
    expect(r.anomalies.map((a) => a.time)).toEqual([T0 + 100 * MIN]);
  });

  it('tiny deviations in a quiet series are not reported (minRelative)', () => {
    const pts = series(120, MIN, (_, i) => (i === 100 ? 1.05 : 1));
    expect(detectAnomalies(pts)).toMatchObject({ status: 'ok', anomalies: [] });
    expect(detectAnomalies(pts, { minRelative: 0.01 })).toMatchObject({ status: 'ok', anomalies: [{ time: T0 + 100 * MIN }] });
  });
});

describe('anomaly questions', () => {
  it('pickSkill: anomaly wording picks anomalies', () => {
    for (const q of ['Is anything unusual in namespace shop?', 'anomalies in CPU of payments', 'Were there any spikes in the memory of postgres?', 'anything odd in data?']) expect(pickSkill(q, []), q).toBe('anomalies');
    expect(pickSkill('Which alerts are firing?', [])).toBe('targets-and-alerts');
  });

  it('historyPromql: per pod, with the offset inside rate() for previous days', () => {
    const sel = '{namespace="shop",container!=""}';
    expect(historyPromql('cpu', sel)).toBe('sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{namespace="shop",container!=""}[5m]))');
    expect(historyPromql('cpu', sel, '1d')).toBe('sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{namespace="shop",container!=""}[5m] offset 1d))');
    expect(historyPromql('memory', sel, '2d')).toBe('sum by (namespace, pod) (container_memory_working_set_bytes{namespace="shop",container!=""} offset 2d)');
  });
});
