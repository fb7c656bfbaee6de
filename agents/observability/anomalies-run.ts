/**
 * The anomalies skill: "Is anything unusual in namespace shop?". Reads CPU and memory per pod
 * over a window (prom_query_range) and the same window one and two days earlier (`offset 1d`,
 * `offset 2d`), so the detector can compare a point with the same time on previous days rather
 * than flag every daily peak; then lists the unusual episodes with their reasons.
 */
import type { TaskRunContext } from '../../shared/a2a/executor.js';
import type { TaskResult } from '../../shared/a2a/parts.js';
import { type Anomaly, detectAnomalies, MIN_POINTS, type Point } from './anomaly.js';
import { historyRequest, type HistoryToolBoxes, type PodScope, podScopeTitle, podSelector, queryRange, windowText } from './history.js';
import { type ClusterChange, type Correlation, correlate } from './changes.js';
import { collectChanges } from './changes-collect.js';
import { formatValue, type Metric, metricsOf, RATE_WINDOW, workloadPodRegex } from './promql.js';

const DAY = 86_400;

export type HistoryMetric = Extract<Metric, 'cpu' | 'memory'>;

/** Smallest deviation worth a report, so near-idle pods do not flood the answer. */
const MIN_ABSOLUTE: Record<HistoryMetric, number> = { cpu: 0.01, memory: 8 * 1024 * 1024 };
const formatOf = (metric: HistoryMetric) => (v: number) => formatValue(v, metric === 'cpu' ? 'cores' : 'bytes').replace(/ \(\d+m\)$/, '');

/** The per-pod PromQL of a metric, with an optional offset ("1d") on every selector. */
export function historyPromql(metric: HistoryMetric, selector: string, offset?: string): string {
  const off = offset ? ` offset ${offset}` : '';
  return metric === 'cpu'
    ? `sum by (namespace, pod) (rate(container_cpu_usage_seconds_total${selector}[${RATE_WINDOW}]${off}))`
    : `sum by (namespace, pod) (container_memory_working_set_bytes${selector}${off})`;
}

export interface FoundAnomaly extends Anomaly {
  namespace: string;
  pod: string;
  metric: HistoryMetric;
}

const podKey = (m: Record<string, string>) => `${m.namespace ?? ''}/${m.pod ?? ''}`;
const hhmm = (t: number) => new Date(t * 1000).toISOString().slice(11, 16);

export interface Checked {
  namespace: string;
  pod: string;
  metric: HistoryMetric;
  status: string;
  seasonal?: boolean;
  points: number;
}

export interface FindAnomaliesOptions {
  /** Seconds of history judged, ending at `end` (unix seconds). */
  window: number;
  end: number;
  /** Default: CPU and memory. */
  metrics?: HistoryMetric[];
  signal?: AbortSignal;
  progress?: (text: string, data?: unknown) => void;
}

/** The unusual episodes of a scope's pods, most extreme first, and what was checked (the skill and the watch loop share it). */
export async function findAnomalies(prom: HistoryToolBoxes['prometheus'], scope: PodScope, options: FindAnomaliesOptions): Promise<{ found: FoundAnomaly[]; checked: Checked[]; promql: string[] }> {
  const { window, end, signal } = options;
  const from = end - window;
  const metrics = options.metrics ?? [];
  const selector = podSelector(scope, workloadPodRegex, [['container', '!=', ''], ['container', '!=', 'POD']]);
  const found: FoundAnomaly[] = [];
  const promql: string[] = [];
  const checked: Checked[] = [];
  for (const metric of metrics.length ? metrics : (['cpu', 'memory'] as const)) {
    const query = historyPromql(metric, selector);
    promql.push(query);
    options.progress?.(`Running PromQL over the last ${windowText(window)} and the same hours 1 and 2 days earlier: ${query}`, { promql: query });
    const [now, ...earlier] = await Promise.all([undefined, '1d', '2d'].map((offset) => queryRange(prom, historyPromql(metric, selector, offset), window, end, signal, 100)));
    const history = new Map<string, Point[]>();
    earlier.forEach((r, i) => {
      for (const s of r.series) {
        const shifted = s.values.map(([t, v]): Point => [t - (i + 1) * DAY, v]);
        history.set(podKey(s.metric), [...(history.get(podKey(s.metric)) ?? []), ...shifted]);
      }
    });
    for (const s of now!.series) {
      const name = `${metric === 'cpu' ? 'CPU' : 'memory'} of ${podKey(s.metric)}`;
      const report = detectAnomalies([...(history.get(podKey(s.metric)) ?? []), ...s.values], { name, format: formatOf(metric), from, window: Math.min(window, 6 * 3600), minAbsolute: MIN_ABSOLUTE[metric] });
      checked.push({ namespace: s.metric.namespace ?? '', pod: s.metric.pod ?? '', metric, status: report.status, points: report.points, ...(report.status === 'ok' ? { seasonal: report.seasonal } : {}) });
      if (report.status === 'ok') for (const a of report.anomalies) found.push({ ...a, namespace: s.metric.namespace ?? '', pod: s.metric.pod ?? '', metric });
    }
  }
  found.sort((a, b) => Math.abs(b.score) - Math.abs(a.score));
  return { found, checked, promql };
}

export async function runAnomalies(ctx: TaskRunContext, tools: HistoryToolBoxes): Promise<TaskResult> {
  const prom = tools.prometheus;
  const asked = await historyRequest(ctx, tools, 'anomalies', 'Where should I look for anomalies? Name a namespace, a Deployment/StatefulSet or a pod, e.g. "Is anything unusual in namespace shop?"');
  if ('answer' in asked) return asked.answer;
  const { scope, window, end } = asked;
  const metrics = metricsOf(ctx.text).filter((m): m is HistoryMetric => m === 'cpu' || m === 'memory');
  const { found, checked, promql } = await findAnomalies(prom, scope, { window, end, metrics, signal: ctx.signal, progress: (text, data) => ctx.progress(text, data) });
  const { correlations, notes: changeNotes } = await correlateWithChanges(tools.kubernetes, found.slice(0, 20), end - window, ctx);

  const judged = checked.filter((c) => c.status === 'ok');
  const pods = new Set(judged.map((c) => `${c.namespace}/${c.pod}`)).size;
  const thin = checked.filter((c) => c.status === 'not-enough-data');
  const seasonal = judged.filter((c) => c.seasonal).length;
  const where = `${podScopeTitle(scope)} over the last ${windowText(window)}`;
  const counted = `${judged.length} series of ${pods} pod${pods === 1 ? '' : 's'} checked`;
  const lines: string[] = [];
  if (!checked.length) lines.push(`Prometheus has no CPU or memory series for ${where}.`);
  else if (!judged.length) {
    const most = Math.max(...thin.map((c) => c.points));
    lines.push(`I cannot tell yet: Prometheus has too little history for ${where} (at most ${most} points per series; I need ${MIN_POINTS} before I call anything unusual).`);
  } else if (!found.length) lines.push(`Nothing unusual in ${where} (${counted}).`);
  else {
    lines.push(`${found.length} unusual episode${found.length === 1 ? '' : 's'} in ${where} (${counted}):`);
    const rows = found.slice(0, 20).map((a) => [`${a.namespace}/${a.pod}`, a.metric, a.end > a.start ? `${hhmm(a.start)}–${hhmm(a.end)}` : hhmm(a.time), formatOf(a.metric)(a.value), formatOf(a.metric)(a.baseline), a.score.toFixed(1)]);
    const head = ['POD', 'METRIC', 'WHEN (UTC)', 'PEAK', 'USUAL', 'MADS'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const r of [head, ...rows]) lines.push(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
    lines.push('Why:', ...found.slice(0, 20).map((a) => `- ${a.reason}`));
    const near = found.slice(0, 20).flatMap((a, i) => (correlations[i]?.length ? [`- ${a.namespace}/${a.pod} ${a.metric}: ${correlations[i]!.map((c) => c.text).join('; ')}`] : []));
    if (near.length) lines.push('Recent changes near them (likeliest first):', ...near);
    else if (!changeNotes.length) lines.push('No rollout, ConfigMap/Secret write or event in the hour before any of them.');
    if (changeNotes.length) lines.push(`Recent changes only partly read: ${changeNotes.join('; ')}.`);
    if (found.length > 20) lines.push(`(${found.length - 20} more in the data part)`);
  }
  if (judged.length) {
    lines.push(
      seasonal
        ? `${seasonal} of ${judged.length} series were compared with the same time on previous days (daily pattern)${seasonal < judged.length ? '; the rest with the preceding hours' : ''}.`
        : 'No series has 2 days of history here, so points were compared with the preceding hours only (daily peaks may show as unusual).',
    );
  }
  if (thin.length && judged.length) {
    const names = thin.map((c) => `${c.metric} of ${c.namespace}/${c.pod}`);
    lines.push(`Not enough data to judge ${thin.length} series: ${names.slice(0, 10).join(', ')}${names.length > 10 ? `, and ${names.length - 10} more` : ''}.`);
  }
  lines.push(...promql.map((q) => `PromQL: ${q}`));
  return {
    text: lines.join('\n'),
    data: { skill: 'anomalies', scope, window, method: 'robust z (median/MAD) vs same time on previous days or the preceding hours, confirmed by EWMA residuals', promql, anomalies: found.map((a, i) => (i < 20 ? { ...a, changes: correlations[i] ?? [] } : a)), checked },
  };
}

/** Namespaces whose changes are read for one answer, at most: each costs a few tool calls per object. */
const MAX_CHANGE_NAMESPACES = 3;

/**
 * The recent changes near each anomaly (same order as `found`): one change read per namespace
 * involved, from an hour before the window. Read only when something is unusual.
 */
async function correlateWithChanges(kubernetes: HistoryToolBoxes['kubernetes'], found: FoundAnomaly[], from: number, ctx: Pick<TaskRunContext, 'signal' | 'progress'>): Promise<{ correlations: Correlation[][]; notes: string[] }> {
  if (!found.length) return { correlations: [], notes: [] };
  const namespaces = [...new Set(found.map((a) => a.namespace).filter(Boolean))].slice(0, MAX_CHANGE_NAMESPACES);
  ctx.progress(`Reading recent rollouts, ConfigMap/Secret writes and events in ${namespaces.join(', ')}`);
  const notes: string[] = [];
  const changes: ClusterChange[] = [];
  for (const namespace of namespaces) {
    const c = await collectChanges(kubernetes, { namespace, since: from - 3600, signal: ctx.signal });
    changes.push(...c.changes);
    notes.push(...c.notes.map((n) => `${namespace}: ${n}`));
  }
  return { correlations: found.map((a) => correlate({ namespace: a.namespace, pod: a.pod, start: a.start }, changes)), notes: [...new Set(notes)] };
}
