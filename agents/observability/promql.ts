/**
 * PromQL from a question: which metric (CPU, memory, restarts), of what (a namespace, pod,
 * workload or node matched against the live cluster's names), and whether it asks for the top
 * consumers. Built on the series the cluster's Prometheus has: the kubelet resource metrics
 * (container_cpu_usage_seconds_total, container_memory_working_set_bytes,
 * node_cpu_usage_seconds_total, node_memory_working_set_bytes) and kube-state-metrics
 * (kube_pod_container_status_restarts_total). Pure.
 */

export type Metric = 'cpu' | 'memory' | 'restarts';
export type Unit = 'cores' | 'bytes' | 'count';
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

export interface Entities {
  namespaces: string[];
  nodes: string[];
  pods: Array<{ name: string; namespace: string }>;
  workloads: Array<{ kind: WorkloadKind; name: string; namespace: string }>;
}

export type Scope =
  | { kind: 'cluster' }
  | { kind: 'namespaces' }
  | { kind: 'namespace'; namespace: string }
  | { kind: 'pods'; namespace?: string }
  | { kind: 'pod'; namespace: string; pod: string }
  | { kind: 'workload'; namespace: string; workload: string; workloadKind: WorkloadKind }
  | { kind: 'nodes' }
  | { kind: 'node'; node: string };

export interface MetricsPlan {
  metric: Metric;
  scope: Scope;
  /** topk N, when the question asks for the heaviest. */
  top?: number;
  promql: string;
  unit: Unit;
  /** What the query measures, for a person: "CPU usage of namespace shop". */
  title: string;
}

export const RATE_WINDOW = '5m';
export const RESTART_WINDOW = '1h';

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A PromQL string literal's content. */
const quote = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

export function selector(labels: Array<[string, '=' | '!=' | '=~', string]>): string {
  return labels.length ? `{${labels.map(([k, op, v]) => `${k}${op}"${quote(v)}"`).join(',')}}` : '';
}

/** The pod-name regex of a workload's pods: Deployment name-<hash>-<id>, StatefulSet name-<ordinal>, DaemonSet name-<id>. */
export function workloadPodRegex(kind: WorkloadKind, name: string): string {
  const n = escapeRegex(name);
  if (kind === 'Deployment') return `${n}-[a-z0-9]+-[a-z0-9]+`;
  if (kind === 'StatefulSet') return `${n}-[0-9]+`;
  return `${n}-[a-z0-9]+`;
}

/** Whether a name occurs in the text as a whole word (names may hold - and .). */
export function mentions(text: string, name: string): boolean {
  if (!name) return false;
  return new RegExp(`(^|[^a-z0-9.-])${escapeRegex(name.toLowerCase())}([^a-z0-9-]|$)`).test(text.toLowerCase());
}

const longestFirst = <T>(xs: T[], name: (x: T) => string) => [...xs].sort((a, b) => name(b).length - name(a).length);

export function metricsOf(text: string): Metric[] {
  const t = text.toLowerCase();
  const out: Metric[] = [];
  if (/\b(cpu|cores?|processor|millicores?|compute)\b/.test(t)) out.push('cpu');
  if (/\b(memory|mem|ram|bytes|mib|gib|working set|oom)\b/.test(t)) out.push('memory');
  if (/\brestart(s|ed|ing)?\b/.test(t)) out.push('restarts');
  return out.length ? out : ['cpu', 'memory'];
}

/** topk N when the question asks for the heaviest: "top 3", "most", "heaviest", "which pods use…". */
export function topOf(text: string): number | undefined {
  const t = text.toLowerCase();
  const n = /\btop[\s-]*(\d{1,3})\b/.exec(t) ?? /\b(\d{1,3})\s+(?:heaviest|biggest|largest|hungriest)\b/.exec(t);
  if (n?.[1]) return Math.max(1, Math.min(100, Number(n[1])));
  if (/\b(top|most|heaviest|biggest|largest|highest|hungriest|which)\b/.test(t)) return 5;
  return undefined;
}

/** What the question is about, matched against the live cluster's names. */
export function scopeOf(text: string, entities: Entities): Scope {
  const t = text.toLowerCase();
  const saysNamespace = /\bnamespaces?\b|\bns\b/.test(t);
  const namespace = longestFirst(entities.namespaces, (n) => n).find((n) => mentions(t, n));
  const node = longestFirst(entities.nodes, (n) => n).find((n) => mentions(t, n));
  if (node) return { kind: 'node', node };
  const pod = longestFirst(entities.pods, (p) => p.name).find((p) => mentions(t, p.name) && (!namespace || p.namespace === namespace));
  if (pod) return { kind: 'pod', namespace: pod.namespace, pod: pod.name };
  const workloads = entities.workloads.filter((w) => mentions(t, w.name) && (!namespace || w.namespace === namespace));
  const workload = longestFirst(workloads, (w) => w.name)[0];
  // "namespace payments" beats a workload of the same name.
  if (workload && !(saysNamespace && namespace === workload.name)) {
    return { kind: 'workload', namespace: workload.namespace, workload: workload.name, workloadKind: workload.kind };
  }
  const saysPods = /\b(pods?|containers?|workloads?)\b/.test(t);
  if (namespace) return saysPods ? { kind: 'pods', namespace } : { kind: 'namespace', namespace };
  if (saysPods) return { kind: 'pods' };
  if (/\bnodes?\b/.test(t)) return { kind: 'nodes' };
  if (saysNamespace) return { kind: 'namespaces' };
  if (/\b(cluster|total|overall|whole|all)\b/.test(t)) return { kind: 'cluster' };
  return { kind: 'namespaces' };
}

const UNITS: Record<Metric, Unit> = { cpu: 'cores', memory: 'bytes', restarts: 'count' };
const NAMES: Record<Metric, string> = { cpu: 'CPU usage', memory: 'Memory usage (working set)', restarts: `Container restarts in the last ${RESTART_WINDOW}` };

function scopeTitle(scope: Scope): string {
  switch (scope.kind) {
    case 'cluster':
      return 'the cluster';
    case 'namespaces':
      return 'each namespace';
    case 'namespace':
      return `namespace ${scope.namespace}`;
    case 'pods':
      return scope.namespace ? `pods in namespace ${scope.namespace}` : 'pods';
    case 'pod':
      return `pod ${scope.namespace}/${scope.pod}`;
    case 'workload':
      return `${scope.workloadKind} ${scope.namespace}/${scope.workload}`;
    case 'nodes':
      return 'each node';
    case 'node':
      return `node ${scope.node}`;
  }
}

/** The PromQL for a metric over a scope, topk-wrapped when asked for the heaviest. */
export function buildPromql(metric: Metric, scope: Scope, top?: number): string {
  const topk = (by: string, inner: string) => (top ? `topk(${top}, sum by (${by}) (${inner}))` : `sum by (${by}) (${inner})`);
  if (scope.kind === 'node' || scope.kind === 'nodes') {
    const sel = scope.kind === 'node' ? selector([['node', '=', scope.node]]) : '';
    if (metric === 'cpu') return topk('node', `rate(node_cpu_usage_seconds_total${sel}[${RATE_WINDOW}])`);
    if (metric === 'memory') return topk('node', `node_memory_working_set_bytes${sel}`);
  }
  const labels: Array<[string, '=' | '!=' | '=~', string]> = [];
  if ('namespace' in scope && scope.namespace) labels.push(['namespace', '=', scope.namespace]);
  if (scope.kind === 'pod') labels.push(['pod', '=', scope.pod]);
  if (scope.kind === 'workload') labels.push(['pod', '=~', workloadPodRegex(scope.workloadKind, scope.workload)]);
  if (metric !== 'restarts') labels.push(['container', '!=', '']);
  const sel = selector(labels);
  const series =
    metric === 'cpu'
      ? `rate(container_cpu_usage_seconds_total${sel}[${RATE_WINDOW}])`
      : metric === 'memory'
        ? `container_memory_working_set_bytes${sel}`
        : `increase(kube_pod_container_status_restarts_total${sel}[${RESTART_WINDOW}])`;
  switch (scope.kind) {
    case 'cluster':
      return `sum(${series})`;
    case 'namespace':
      return `sum(${series})`;
    case 'namespaces':
      return topk('namespace', series);
    case 'pods':
      return `topk(${top ?? 10}, sum by (namespace, pod) (${series}))`;
    case 'pod':
    case 'workload':
      return `sum by (namespace, pod) (${series})`;
    default:
      // restarts on nodes: per pod across the cluster (kube-state-metrics restarts carry no node label)
      return `topk(${top ?? 10}, sum by (namespace, pod) (${series}))`;
  }
}

/** The queries that answer a metrics question: one per metric asked for. */
export function planMetrics(text: string, entities: Entities): MetricsPlan[] {
  const scope = scopeOf(text, entities);
  const top = topOf(text);
  return metricsOf(text).map((metric) => {
    const useTop = scope.kind === 'namespaces' || scope.kind === 'nodes' || scope.kind === 'pods' ? top : undefined;
    return {
      metric,
      scope,
      ...(useTop !== undefined ? { top: useTop } : {}),
      promql: buildPromql(metric, scope, useTop),
      unit: UNITS[metric],
      title: `${NAMES[metric]} of ${scopeTitle(scope)}${useTop !== undefined ? ` (top ${useTop})` : ''}`,
    };
  });
}

/** A value with its unit: cores (and millicores), MiB (and GiB), a count. */
export function formatValue(value: number | null | undefined, unit: Unit): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'no value';
  if (unit === 'cores') return `${value.toFixed(3)} cores (${Math.round(value * 1000)}m)`;
  if (unit === 'bytes') {
    const mib = value / 1024 / 1024;
    return mib >= 1024 ? `${mib.toFixed(1)} MiB (${(mib / 1024).toFixed(2)} GiB)` : `${mib.toFixed(1)} MiB`;
  }
  const rounded = Math.round(value);
  return `${rounded} restart${rounded === 1 ? '' : 's'}`;
}

/** A series' name for a person, from the labels the query grouped by. */
export function seriesLabel(metric: Record<string, string>): string {
  if (metric.pod) return metric.namespace ? `${metric.namespace}/${metric.pod}` : metric.pod;
  if (metric.node) return metric.node;
  if (metric.namespace) return metric.namespace;
  return 'total';
}
