/**
 * What the history skills (forecast, anomalies) read and how: the window a question asks for,
 * the pods it names (matched against the cluster and against the pods Prometheus has series
 * for, so names resolve even for pods that are gone or when no kubernetes server is
 * connected), and range queries through prom_query_range.
 */
import type { TaskRunContext } from '../../shared/a2a/executor.js';
import type { TaskResult } from '../../shared/a2a/parts.js';
import type { ToolBox } from '../../shared/reasoning/engine.js';
import { requireStructured } from '../../shared/reasoning/embedded/tool-results.js';
import { loadEntities } from './entities.js';
import type { Point } from './anomaly.js';
import { type Entities, type Scope, scopeOf, selector } from './promql.js';

export interface RangeSeries {
  metric: Record<string, string>;
  values: Point[];
}

/** Points per series a history query aims for: enough for the statistics, small for the tool budget. */
export const TARGET_POINTS = 240;
export const DEFAULT_WINDOW = 6 * 3600;
const MAX_WINDOW = 7 * 86_400;
const MIN_WINDOW = 30 * 60;

/** The window a question asks for ("over the last 3 hours", "past 2d"), clamped to 30 min … 7 days; 6 h by default. */
export function windowOf(text: string): number {
  const m = /\b(?:last|past|over|previous|in the last)\s+(\d+(?:\.\d+)?)?\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?)\b/i.exec(text);
  if (!m) return /\b(today|(last|past) day)\b/i.test(text) ? 86_400 : DEFAULT_WINDOW;
  const n = m[1] ? Number(m[1]) : 1;
  const unit = m[2]!.toLowerCase();
  const seconds = n * (unit.startsWith('m') ? 60 : unit.startsWith('h') ? 3600 : 86_400);
  return Math.min(MAX_WINDOW, Math.max(MIN_WINDOW, seconds));
}

/** "6 h", "90 min", "2 d". */
export function windowText(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds >= 3600) return `${Number((seconds / 3600).toFixed(1))} h`;
  return `${Math.round(seconds / 60)} min`;
}

/** A step (whole seconds, ≥ 30 s) that gives about TARGET_POINTS points over the window. */
export function stepFor(window: number): number {
  return Math.max(30, Math.ceil(window / TARGET_POINTS));
}

/** Deployment pod names are <name>-<hash>-<id>, StatefulSet ones <name>-<ordinal>: the workloads Prometheus' pod names imply. */
export function workloadsFromPods(pods: Entities['pods']): Entities['workloads'] {
  const out = new Map<string, Entities['workloads'][number]>();
  for (const p of pods) {
    const deployment = /^(.+)-[a-z0-9]{5,10}-[a-z0-9]{5}$/.exec(p.name);
    const statefulSet = /^(.+)-\d+$/.exec(p.name);
    const found = deployment ? { kind: 'Deployment' as const, name: deployment[1]! } : statefulSet ? { kind: 'StatefulSet' as const, name: statefulSet[1]! } : undefined;
    if (found) out.set(`${p.namespace}/${found.kind}/${found.name}`, { ...found, namespace: p.namespace });
  }
  return [...out.values()];
}

/** The cluster's names (when a kubernetes server is connected) plus the pods Prometheus has container series for. */
export async function loadHistoryEntities(prom: ToolBox, kubernetes: ToolBox | undefined, signal?: AbortSignal): Promise<Entities> {
  const [cluster, seen] = await Promise.all([
    loadEntities(kubernetes, signal),
    prom.callTool('prom_query', { query: 'count by (namespace, pod) (container_memory_working_set_bytes{container!=""})', limit: 1000 }, signal),
  ]);
  const rows = requireStructured<{ series: Array<{ metric: Record<string, string> }> }>('prom_query', seen).series;
  const promPods = rows.flatMap((r) => (r.metric.pod && r.metric.namespace ? [{ name: r.metric.pod, namespace: r.metric.namespace }] : []));
  const key = (p: { name: string; namespace: string }) => `${p.namespace}/${p.name}`;
  const known = new Set(cluster.pods.map(key));
  const pods = [...cluster.pods, ...promPods.filter((p) => !known.has(key(p)))];
  const knownWorkloads = new Set(cluster.workloads.map((w) => `${w.namespace}/${w.name}`));
  return {
    namespaces: [...new Set([...cluster.namespaces, ...promPods.map((p) => p.namespace)])],
    nodes: cluster.nodes,
    pods,
    workloads: [...cluster.workloads, ...workloadsFromPods(promPods).filter((w) => !knownWorkloads.has(`${w.namespace}/${w.name}`))],
  };
}

export type PodScope = Extract<Scope, { kind: 'pod' | 'workload' | 'namespace' | 'pods' }>;

/** What a history skill reads: Prometheus, and the cluster for names and limits when it has it. */
export interface HistoryToolBoxes {
  prometheus: ToolBox;
  kubernetes: ToolBox | undefined;
}

/**
 * The pods a history question (forecast, anomalies) is about and the window it looks at — or,
 * when it names no pod, workload or namespace, the question back (`ask`) as the answer.
 */
export async function historyRequest(ctx: TaskRunContext, tools: HistoryToolBoxes, skill: string, ask: string): Promise<{ scope: PodScope; window: number; end: number } | { answer: TaskResult }> {
  ctx.progress('Matching names in the question against the cluster and Prometheus…');
  const entities = await loadHistoryEntities(tools.prometheus, tools.kubernetes, ctx.signal);
  const scope = podScopeOf(ctx.text, entities);
  if (!scope) return { answer: { text: ask, data: { skill, error: 'no pod, workload or namespace named' } } };
  return { scope, window: windowOf(ctx.text), end: Math.floor(Date.now() / 1000) };
}

/** The pods a history question is about, or undefined when it names no pod, workload or namespace. */
export function podScopeOf(text: string, entities: Entities): PodScope | undefined {
  const scope = scopeOf(text, entities);
  if (scope.kind === 'pod' || scope.kind === 'workload' || scope.kind === 'namespace') return scope;
  if (scope.kind === 'pods' && scope.namespace) return scope;
  return undefined;
}

/** The label matchers of a scope's pods' containers. */
export function podSelector(scope: PodScope, workloadRegex: (kind: Extract<Scope, { kind: 'workload' }>['workloadKind'], name: string) => string, extra: Array<[string, '=' | '!=' | '=~', string]> = []): string {
  const labels: Array<[string, '=' | '!=' | '=~', string]> = [];
  if (scope.namespace) labels.push(['namespace', '=', scope.namespace]);
  if (scope.kind === 'pod') labels.push(['pod', '=', scope.pod]);
  if (scope.kind === 'workload') labels.push(['pod', '=~', workloadRegex(scope.workloadKind, scope.workload)]);
  return selector([...labels, ...extra]);
}

/** One range query over [end − window, end] through prom_query_range, every point kept. */
export async function queryRange(prom: ToolBox, query: string, window: number, end: number, signal?: AbortSignal, limit = 100): Promise<{ series: RangeSeries[]; omitted: number; step: number }> {
  const step = stepFor(window);
  const points = Math.floor(window / step) + 1;
  const r = await prom.callTool('prom_query_range', { query, start: String(end - window), end: String(end), step, limit, maxPoints: Math.min(2000, points) }, signal);
  const s = requireStructured<{ series: RangeSeries[]; omitted: number }>('prom_query_range', r);
  return { series: s.series, omitted: s.omitted, step };
}

/** A person's name for a scope: "pod shop/cart-1", "Deployment shop/cart", "namespace shop". */
export function podScopeTitle(scope: PodScope): string {
  if (scope.kind === 'pod') return `pod ${scope.namespace}/${scope.pod}`;
  if (scope.kind === 'workload') return `${scope.workloadKind} ${scope.namespace}/${scope.workload}`;
  return `namespace ${scope.namespace ?? '?'}`;
}
