/** The observability agent's task handler: picks the skill, runs PromQL, reads targets and alerts, or reads history for forecasts and anomalies; answers with the queries shown. */
import type { TaskHandler, TaskRunContext } from '../../shared/a2a/executor.js';
import type { TaskResult } from '../../shared/a2a/parts.js';
import type { ToolBox } from '../../shared/reasoning/engine.js';
import { requireStructured } from '../../shared/reasoning/embedded/tool-results.js';
import { loadEntities } from './entities.js';
import type { Fallback } from '../../shared/reasoning/llm/fallback.js';
import { formatValue, type MetricsPlan, mentions, planMetrics, seriesLabel } from './promql.js';
import { pickSkill, targetsOrAlerts } from './skills.js';
import { runForecast } from './forecast-run.js';
import { runAnomalies } from './anomalies-run.js';
import { activeWatch, renderWatchReport } from '../../shared/watch/index.js';

export interface ObservabilityHandlerOptions {
  /** prom_* read tools (undefined when no prometheus MCP server is connected). */
  prometheus: ToolBox | undefined;
  /** k8s_list, for matching names in the question (undefined when not connected). */
  kubernetes: ToolBox | undefined;
  fallback: Fallback;
}

interface Sample {
  metric: Record<string, string>;
  value: number | null;
}

const NO_PROMETHEUS: TaskResult = {
  text: 'I cannot query metrics: no Prometheus MCP server is connected to the observability agent (set prometheus.url, K8S_EXPERTS_PROMETHEUS_URL).',
  data: { error: 'no prometheus tools' },
};

/** The text for one query's result: a single value, or a ranked list. */
export function renderResult(plan: MetricsPlan, samples: Sample[]): string {
  const lines = [`${plan.title}:`];
  if (!samples.length) {
    lines[0] = `${plan.title}: Prometheus returned no samples (nothing matches the query, or the metric is not scraped yet).`;
  } else if (samples.length === 1 && (plan.scope.kind === 'namespace' || plan.scope.kind === 'cluster' || plan.scope.kind === 'node' || plan.scope.kind === 'pod')) {
    lines[0] = `${plan.title}: ${formatValue(samples[0]?.value, plan.unit)}`;
  } else {
    samples.forEach((s, i) => lines.push(`${i + 1}. ${seriesLabel(s.metric)}: ${formatValue(s.value, plan.unit)}`));
    if (plan.scope.kind === 'workload' && samples.length > 1) {
      const total = samples.reduce((sum, s) => sum + (s.value ?? 0), 0);
      lines.push(`   total: ${formatValue(total, plan.unit)}`);
    }
  }
  lines.push(`PromQL: ${plan.promql}`);
  return lines.join('\n');
}

async function metricsQuery(ctx: TaskRunContext, options: ObservabilityHandlerOptions): Promise<TaskResult> {
  const prom = options.prometheus;
  if (!prom) return { ...NO_PROMETHEUS, data: { skill: 'metrics-query', error: 'no prometheus tools' } };
  ctx.progress('Matching names in the question against the cluster…');
  const entities = await loadEntities(options.kubernetes, ctx.signal);
  const plans = planMetrics(ctx.text, entities);
  const queries = [];
  const texts = [];
  for (const plan of plans) {
    ctx.progress(`Running PromQL: ${plan.promql}`, { promql: plan.promql });
    const r = await prom.callTool('prom_query', { query: plan.promql, limit: 100 }, ctx.signal);
    const s = requireStructured<{ series: Sample[]; scalar: number | null }>('prom_query', r);
    const samples = [...s.series].sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity));
    texts.push(renderResult(plan, samples));
    queries.push({
      promql: plan.promql,
      metric: plan.metric,
      unit: plan.unit,
      scope: plan.scope,
      ...(plan.top !== undefined ? { top: plan.top } : {}),
      title: plan.title,
      results: samples.map((x) => ({ labels: x.metric, name: seriesLabel(x.metric), value: x.value, formatted: formatValue(x.value, plan.unit) })),
    });
  }
  return { text: texts.join('\n\n'), data: { skill: 'metrics-query', queries } };
}

interface Target {
  job: string;
  instance: string;
  health: string;
  lastError: string;
}
interface Alert {
  name: string;
  state: string;
  labels: Record<string, string>;
  summary: string;
  activeAt: string | null;
}

/** The targets part of the answer; `job` narrows it when the question names a scrape job. */
export function renderTargets(targets: Target[], job?: string): string {
  const shown = job ? targets.filter((t) => t.job === job) : targets;
  const down = shown.filter((t) => t.health !== 'up');
  const what = job ? `job ${job}` : 'Prometheus';
  if (!shown.length) return job ? `Prometheus has no scrape target for job ${job}.` : 'Prometheus has no active scrape targets.';
  const head = down.length
    ? `${down.length} of ${shown.length} scrape targets of ${what} are not up:`
    : shown.length === 1
      ? `The scrape target of ${what} (${shown[0]?.instance ?? '?'}) is up${job ? `: ${job} is being scraped` : ''}.`
      : `All ${shown.length} scrape targets of ${what} are up${job ? ` (${job} is being scraped)` : ''}.`;
  const lines = [head, ...down.map((t) => `- ${t.job} ${t.instance}: ${t.health}${t.lastError ? ` — ${t.lastError}` : ''}`)];
  if (!job) {
    const jobs = [...new Set(shown.map((t) => t.job))].sort();
    lines.push(`Jobs: ${jobs.join(', ')}.`);
  }
  return lines.join('\n');
}

export function renderAlerts(alerts: Alert[]): string {
  if (!alerts.length) return 'No alerts are firing or pending.';
  const firing = alerts.filter((a) => a.state === 'firing').length;
  return [
    `${firing} firing, ${alerts.length - firing} pending:`,
    ...alerts.map((a) => `- ${a.name} (${a.state}${a.activeAt ? ` since ${a.activeAt}` : ''})${a.labels.namespace ? ` namespace ${a.labels.namespace}` : ''}${a.summary ? `: ${a.summary}` : ''}`),
  ].join('\n');
}

/** The scrape job a question names ("is kube-state-metrics being scraped?"); "Prometheus targets" names none. */
export function namedJob(text: string, jobs: string[]): string | undefined {
  const lower = text.toLowerCase().replace(/\bprometheus(?=\s+(targets?|alerts?|scrap\w*|rules?)\b)/g, ' ');
  return [...new Set(jobs)].sort((a, b) => b.length - a.length).find((j) => mentions(lower, j));
}

async function targetsAndAlerts(ctx: TaskRunContext, options: ObservabilityHandlerOptions): Promise<TaskResult> {
  const prom = options.prometheus;
  if (!prom) return { ...NO_PROMETHEUS, data: { skill: 'targets-and-alerts', error: 'no prometheus tools' } };
  const want = targetsOrAlerts(ctx.text);
  const texts: string[] = [];
  const data: Record<string, unknown> = { skill: 'targets-and-alerts' };
  if (want.targets) {
    ctx.progress('Reading scrape targets (prom_targets)…');
    const { targets } = requireStructured<{ targets: Target[] }>('prom_targets', await prom.callTool('prom_targets', {}, ctx.signal));
    const job = namedJob(ctx.text, targets.map((t) => t.job));
    texts.push(renderTargets(targets, job));
    const shown = job ? targets.filter((t) => t.job === job) : targets;
    Object.assign(data, {
      ...(job ? { job } : {}),
      targets: shown,
      up: shown.filter((t) => t.health === 'up').length,
      down: shown.filter((t) => t.health !== 'up').map((t) => ({ job: t.job, instance: t.instance, health: t.health, lastError: t.lastError })),
    });
  }
  if (want.alerts) {
    ctx.progress('Reading alerts (prom_alerts)…');
    const { alerts } = requireStructured<{ alerts: Alert[] }>('prom_alerts', await prom.callTool('prom_alerts', {}, ctx.signal));
    texts.push(renderAlerts(alerts));
    Object.assign(data, { alerts, firing: alerts.filter((a) => a.state === 'firing').length, pending: alerts.filter((a) => a.state === 'pending').length });
  }
  return { text: texts.join('\n\n'), data };
}

export function createObservabilityHandler(options: ObservabilityHandlerOptions): TaskHandler {
  return async (ctx) => {
    const skill = pickSkill(ctx.text, ctx.data);
    // The crew's watch loop, when it runs in this process (watch.enabled).
    if (skill === 'watch') return renderWatchReport(activeWatch());
    if (skill === 'metrics-query') return metricsQuery(ctx, options);
    if (skill === 'targets-and-alerts') return targetsAndAlerts(ctx, options);
    if (skill === 'forecast' || skill === 'anomalies') {
      if (!options.prometheus) return { ...NO_PROMETHEUS, data: { skill, error: 'no prometheus tools' } };
      const tools = { prometheus: options.prometheus, kubernetes: options.kubernetes };
      return skill === 'forecast' ? runForecast(ctx, tools) : runAnomalies(ctx, tools);
    }
    return options.fallback(ctx.text, ctx);
  };
}
