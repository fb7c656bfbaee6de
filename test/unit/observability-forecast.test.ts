import { describe, expect, it } from 'vitest';
import type { Point } from '../../agents/observability/anomaly.js';
import { fitTrend, formatHours, predict, timeToThreshold } from '../../agents/observability/forecast.js';
import { memoryBytes } from '../../agents/observability/forecast-run.js';
import { podScopeOf, stepFor, windowOf, windowText, workloadsFromPods } from '../../agents/observability/history.js';
import { pickSkill } from '../../agents/observability/skills.js';

const T0 = Date.UTC(2026, 10, 22, 0, 0, 0) / 1000;
const MIN = 60;
const MiB = 1024 * 1024;
const fmt = (v: number) => `${Math.round(v / MiB)} MiB`;
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}
const series = (n: number, step: number, f: (i: number) => number | null): Point[] => Array.from({ length: n }, (_, i) => [T0 + i * step, f(i)]);

describe('fitTrend (Theil–Sen)', () => {
  it('recovers an exact line, and ignores a few wild points that would swing least squares', () => {
    const line = series(100, MIN, (i) => 100 + 2 * i);
    const fit = fitTrend(line)!;
    expect(fit.slope * 60).toBeCloseTo(2, 9);
    expect(fit.level).toBeCloseTo(100 + 2 * 99, 6);
    const wild = series(100, MIN, (i) => (i % 17 === 0 ? 5000 : 100 + 2 * i));
    expect(fitTrend(wild)!.slope * 60).toBeCloseTo(2, 6);
    expect(fitTrend(series(2, MIN, (i) => i))).toBeUndefined();
  });

  it('the band holds the fit and widens with the horizon', () => {
    const rnd = noise(1);
    const fit = fitTrend(series(120, MIN, (i) => 10 + 0.5 * i + 3 * rnd()))!;
    expect(fit.slopeLow).toBeLessThan(fit.slope);
    expect(fit.slopeHigh).toBeGreaterThan(fit.slope);
    const near = predict(fit, 600);
    const far = predict(fit, 6000);
    expect(near.low).toBeLessThan(near.value);
    expect(near.high).toBeGreaterThan(near.value);
    expect(far.high - far.low).toBeGreaterThan(near.high - near.low);
  });
});

describe('timeToThreshold', () => {
  it('linear growth toward a limit: about the right hours, inside its band', () => {
    // 200 → 400 MiB over 6 h (33.3 MiB/h); 112 MiB left to 512 MiB ≈ 3.36 h.
    const rnd = noise(2);
    const pts = series(241, 90, (i) => (200 + (200 * i) / 240) * MiB + 2 * MiB * rnd());
    const r = timeToThreshold(pts, 512 * MiB, { format: fmt, thresholdName: 'its limit' });
    if (r.status !== 'rising') throw new Error(r.status);
    expect(r.hours).toBeGreaterThan(3.1);
    expect(r.hours).toBeLessThan(3.6);
    expect(r.earliestHours).toBeLessThanOrEqual(r.hours);
    expect(r.latestHours!).toBeGreaterThanOrEqual(r.hours);
    expect(r.text).toMatch(/^reaches its limit 512 MiB in about 3\.\d hours \(between 3\.\d hours and 3\.\d hours; trend \+33 MiB\/h, now 400 MiB\)$/);
  });

  it('flat and decreasing series are not rising', () => {
    const flat = timeToThreshold(series(60, MIN, () => 300 * MiB), 512 * MiB, { format: fmt, thresholdName: 'its limit' });
    expect(flat.status).toBe('not-rising');
    const down = timeToThreshold(series(60, MIN, (i) => (400 - i) * MiB), 512 * MiB, { format: fmt, thresholdName: 'its limit' });
    expect(down).toMatchObject({ status: 'not-rising' });
    if (down.status === 'not-rising') expect(down.text).toBe('not rising toward its limit 512 MiB: trend -60 MiB/h, now 341 MiB');
  });

  it('noise around a level: no upward trend claimed', () => {
    const rnd = noise(9);
    const r = timeToThreshold(series(200, MIN, () => (300 + 20 * rnd()) * MiB), 512 * MiB, { format: fmt });
    expect(r.status).toBe('not-rising');
  });

  it('too few points or too short a span: not enough data, saying what is needed', () => {
    const few = timeToThreshold(series(5, MIN, (i) => i), 100);
    expect(few).toMatchObject({ status: 'not-enough-data', reason: 'not enough data (need ≥ 10 points over ≥ 30 minutes; have 5 over 4 minutes)' });
    expect(timeToThreshold(series(20, 60, (i) => i), 100).status).toBe('not-enough-data');
    expect(timeToThreshold(series(30, 60, (i) => (i % 2 ? null : i)), 100).status).toBe('not-enough-data');
  });

  it('already at the limit', () => {
    expect(timeToThreshold(series(60, MIN, (i) => 500 + i), 512).status).toBe('already-reached');
  });

  it('never extrapolates beyond 4× the observed window', () => {
    // +1 per hour over 1 h toward a threshold 100 h away.
    const r = timeToThreshold(series(61, MIN, (i) => i / 60), 100);
    expect(r.status).toBe('beyond-horizon');
    if (r.status === 'beyond-horizon') {
      expect(r.horizonHours).toBeCloseTo(4, 6);
      expect(r.text).toContain('I do not forecast further than 4× the 1.0 hours observed (at most 7 days)');
    }
  });

  it('hours for a person', () => {
    expect(formatHours(0.25)).toBe('15 minutes');
    expect(formatHours(3.36)).toBe('3.4 hours');
    expect(formatHours(30)).toBe('30 hours');
    expect(formatHours(72)).toBe('3.0 days');
  });
});

describe('forecast questions', () => {
  it('pickSkill: forecast wording wins over plain metric words; metrics questions stay metrics-query', () => {
    for (const q of ['When will pod cart-1 run out of memory?', 'Will the memory of cart reach its limit?', 'Forecast the memory of postgres', 'How long until payments-api hits its memory limit?', 'predict memory of redis'])
      expect(pickSkill(q, []), q).toBe('forecast');
    for (const q of ['What is the CPU usage of namespace shop?', 'Which pods use the most memory?', 'Which pods ran out of memory?']) expect(pickSkill(q, []), q).toBe('metrics-query');
    expect(pickSkill('memory of cart', [{ skill: 'forecast' }])).toBe('forecast');
  });

  it('windowOf: the window a question asks for, clamped, 6 h by default', () => {
    expect(windowOf('When will cart run out of memory?')).toBe(6 * 3600);
    expect(windowOf('memory trend over the last 3 hours')).toBe(3 * 3600);
    expect(windowOf('anomalies in the past 2d')).toBe(2 * 86_400);
    expect(windowOf('in the last 5 minutes')).toBe(30 * 60);
    expect(windowOf('over the last 30 days')).toBe(7 * 86_400);
    expect(windowOf('anything odd today?')).toBe(86_400);
    expect(windowText(6 * 3600)).toBe('6 h');
    expect(windowText(2 * 86_400)).toBe('2 d');
    expect(windowText(1800)).toBe('30 min');
    expect(stepFor(6 * 3600)).toBe(90);
    expect(stepFor(1800)).toBe(30);
  });

  it('memoryBytes: Kubernetes quantities, and undefined for anything else', () => {
    expect(memoryBytes('512Mi')).toBe(512 * MiB);
    expect(memoryBytes('1Gi')).toBe(1024 * MiB);
    expect(memoryBytes('1G')).toBe(1e9);
    expect(memoryBytes('1e9')).toBe(1e9);
    expect(memoryBytes(268435456)).toBe(268435456);
    for (const bad of [undefined, null, '', 'lots', '512 MB', {}]) expect(memoryBytes(bad)).toBeUndefined();
  });

  it('workloadsFromPods: Deployments and StatefulSets from pod names', () => {
    expect(
      workloadsFromPods([
        { name: 'cart-7d9f8b6c5-x2x4k', namespace: 'shop' },
        { name: 'cart-7d9f8b6c5-abcde', namespace: 'shop' },
        { name: 'postgres-0', namespace: 'shop' },
        { name: 'standalone', namespace: 'shop' },
      ]),
    ).toEqual([
      { kind: 'Deployment', name: 'cart', namespace: 'shop' },
      { kind: 'StatefulSet', name: 'postgres', namespace: 'shop' },
    ]);
  });

  it('podScopeOf: a pod, workload or namespace; nothing for a cluster-wide question', () => {
    const entities = { namespaces: ['shop'], nodes: [], pods: [{ name: 'cart-7d9f8b6c5-x2x4k', namespace: 'shop' }], workloads: [{ kind: 'Deployment' as const, name: 'cart', namespace: 'shop' }] };
    expect(podScopeOf('When will pod cart-7d9f8b6c5-x2x4k run out of memory?', entities)).toEqual({ kind: 'pod', namespace: 'shop', pod: 'cart-7d9f8b6c5-x2x4k' });
    expect(podScopeOf('Will cart reach its limit?', entities)).toMatchObject({ kind: 'workload', workload: 'cart' });
    expect(podScopeOf('unusual in namespace shop', entities)).toEqual({ kind: 'namespace', namespace: 'shop' });
    expect(podScopeOf('When will it run out of memory?', entities)).toBeUndefined();
  });
});
