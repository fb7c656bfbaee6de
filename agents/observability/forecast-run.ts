/**
 * The forecast skill: "When will pod X run out of memory?". Reads each container's memory
 * working set over a window (prom_query_range) and its memory limit (kube-state-metrics
 * kube_pod_container_resource_limits; else the pod spec through k8s_get when the kubernetes
 * server is connected), and says when the trend reaches the limit. Per container, because the
 * kernel OOM-kills a container at its own limit.
 */
import type { TaskRunContext } from '../../shared/a2a/executor.js';
import type { TaskResult } from '../../shared/a2a/parts.js';
import type { ToolBox } from '../../shared/reasoning/engine.js';
import { requireStructured, structuredOf } from '../../shared/reasoning/embedded/tool-results.js';
import { timeToThreshold, type ThresholdForecast } from './forecast.js';
import { historyRequest, type HistoryToolBoxes, podScopeTitle, podSelector, queryRange, windowText } from './history.js';
import { formatValue, workloadPodRegex } from './promql.js';

const UNITS: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50 };

/** A Kubernetes memory quantity ("512Mi", "1G", "1e9") in bytes; undefined when it is not one. */
export function memoryBytes(quantity: unknown): number | undefined {
  if (typeof quantity !== 'string' && typeof quantity !== 'number') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?\s*$/.exec(String(quantity));
  if (!m) return undefined;
  return Number(m[1]) * UNITS[m[2] ?? '']!;
}

const bytes = (v: number) => formatValue(v, 'bytes');
const containerKey = (m: Record<string, string>) => `${m.namespace ?? ''}/${m.pod ?? ''}/${m.container ?? ''}`;

/** Limits from the pod specs (only for pods kube-state-metrics gave none for). */
async function specLimits(kubernetes: ToolBox, pods: Array<{ namespace: string; pod: string }>, signal?: AbortSignal): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const p of pods.slice(0, 20)) {
    const r = await kubernetes.callTool('k8s_get', { kind: 'pods', name: p.pod, namespace: p.namespace, output: 'json' }, signal);
    if (r.isError) continue;
    const spec = structuredOf<{ object?: { spec?: { containers?: Array<{ name?: unknown; resources?: { limits?: { memory?: unknown } | null } | null }> | null } | null } }>(r)?.object?.spec;
    for (const c of spec?.containers ?? []) {
      const limit = memoryBytes(c.resources?.limits?.memory);
      if (typeof c.name === 'string' && limit !== undefined) out.set(`${p.namespace}/${p.pod}/${c.name}`, limit);
    }
  }
  return out;
}

export interface ContainerForecast {
  namespace: string;
  pod: string;
  container: string;
  now: number | null;
  limit: number | null;
  limitSource: 'kube-state-metrics' | 'pod spec' | null;
  status: ThresholdForecast['status'] | 'no-limit';
  hours?: number;
  earliestHours?: number;
  latestHours?: number | null;
  slopePerHour?: number;
  text: string;
}

const ORDER: Record<ContainerForecast['status'], number> = { 'already-reached': 0, rising: 1, 'beyond-horizon': 2, 'not-rising': 3, 'no-limit': 4, 'not-enough-data': 5 };

export async function runForecast(ctx: TaskRunContext, tools: HistoryToolBoxes): Promise<TaskResult> {
  const prom = tools.prometheus;
  const asked = await historyRequest(ctx, tools, 'forecast', 'Which pod should I forecast? Name a pod, a Deployment/StatefulSet or a namespace that Prometheus has memory series for, e.g. "When will pod cart-7d9f8b6c5-x2x4k run out of memory?"');
  if ('answer' in asked) return asked.answer;
  const { scope, window, end } = asked;
  const usagePromql = `max by (namespace, pod, container) (container_memory_working_set_bytes${podSelector(scope, workloadPodRegex, [['container', '!=', ''], ['container', '!=', 'POD']])})`;
  const limitPromql = `max by (namespace, pod, container) (kube_pod_container_resource_limits${podSelector(scope, workloadPodRegex, [['resource', '=', 'memory']])})`;
  ctx.progress(`Running PromQL over the last ${windowText(window)}: ${usagePromql}`, { promql: usagePromql });
  const usage = await queryRange(prom, usagePromql, window, end, ctx.signal, 50);
  ctx.progress(`Running PromQL: ${limitPromql}`, { promql: limitPromql });
  const limitRows = requireStructured<{ series: Array<{ metric: Record<string, string>; value: number | null }> }>('prom_query', await prom.callTool('prom_query', { query: limitPromql, limit: 500 }, ctx.signal)).series;
  const limits = new Map<string, number>(limitRows.flatMap((r) => (r.value !== null && r.value > 0 ? [[containerKey(r.metric), r.value] as const] : [])));
  const missing = [...new Map(usage.series.filter((s) => !limits.has(containerKey(s.metric))).map((s) => [`${s.metric.namespace}/${s.metric.pod}`, { namespace: s.metric.namespace ?? '', pod: s.metric.pod ?? '' }])).values()];
  const fromSpec = tools.kubernetes && missing.length ? await specLimits(tools.kubernetes, missing, ctx.signal) : new Map<string, number>();

  const forecasts: ContainerForecast[] = usage.series.map((s) => {
    const key = containerKey(s.metric);
    const limit = limits.get(key) ?? fromSpec.get(key);
    const limitSource = limits.has(key) ? 'kube-state-metrics' : fromSpec.has(key) ? 'pod spec' : null;
    const last = [...s.values].reverse().find((p) => p[1] !== null)?.[1] ?? null;
    const base = { namespace: s.metric.namespace ?? '', pod: s.metric.pod ?? '', container: s.metric.container ?? '', now: last, limit: limit ?? null, limitSource } as const;
    if (limit === undefined) return { ...base, status: 'no-limit', text: 'has no memory limit: it cannot be OOM-killed at a limit (only when its node runs out of memory)' };
    const f = timeToThreshold(s.values, limit, { format: bytes, thresholdName: 'its limit' });
    if (f.status === 'not-enough-data') return { ...base, status: f.status, text: f.reason };
    const trend = { slopePerHour: f.fit.slope * 3600 };
    if (f.status === 'rising') return { ...base, ...trend, status: f.status, hours: f.hours, earliestHours: f.earliestHours, latestHours: f.latestHours, text: f.text };
    return { ...base, ...trend, status: f.status, text: f.text };
  });
  forecasts.sort((a, b) => ORDER[a.status] - ORDER[b.status] || (a.hours ?? Infinity) - (b.hours ?? Infinity));

  const title = `Memory forecast for ${podScopeTitle(scope)} (working set over the last ${windowText(window)}; Theil–Sen trend with a 95 % band)`;
  const lines = [forecasts.length ? `${title}:` : `${title}: Prometheus has no memory series for it in that window.`];
  for (const f of forecasts) lines.push(`- ${f.namespace}/${f.pod} container ${f.container}${f.now !== null ? ` (now ${bytes(f.now)})` : ''}: ${f.text}`);
  if (usage.omitted) lines.push(`(${usage.omitted} more containers not shown: name a pod or workload to narrow)`);
  lines.push(`PromQL: ${usagePromql}`, `PromQL: ${limitPromql}`);
  return {
    text: lines.join('\n'),
    data: { skill: 'forecast', scope, window, step: usage.step, method: 'theil-sen', promql: { usage: usagePromql, limit: limitPromql }, forecasts },
  };
}
