import { ApiregistrationV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { isNodeReady } from '../../shared/node-status.js';
import { countPodsByStatus } from '../../shared/pod-status.js';
import { renderTable } from '../../shared/table.js';
import { type ClusterHealth, clusterHealth, loadKubeConfig } from './lifecycle.js';
import type { ClusterPaths } from './paths.js';
import { type ClusterState, readClusterState } from './state.js';

export interface ClusterStatus {
  running: boolean;
  state?: ClusterState;
  health?: ClusterHealth;
  /** Pod counts by STATUS column, when the API server answers. */
  pods?: Record<string, number>;
  nodes?: { total: number; ready: number };
  /** The metrics API (metrics-server behind the aggregator), when the API server answers. */
  metricsApi?: { available: boolean; reason: string };
}

export const METRICS_API_SERVICE = 'v1beta1.metrics.k8s.io';

/**
 * Whether the aggregator reports the metrics API available (it reaches metrics-server on
 * 127.0.0.1). metrics-server starts with the control plane; a node or pod gets figures once it
 * has been scraped twice (15 s apart), so `kubectl top` may list fewer pods in the first ~30 s.
 */
export async function metricsApiStatus(kc: KubeConfig): Promise<{ available: boolean; reason: string }> {
  try {
    const svc = await kc.makeApiClient(ApiregistrationV1Api).readAPIService({ name: METRICS_API_SERVICE });
    const cond = svc.status?.conditions?.find((c) => c.type === 'Available');
    if (cond?.status === 'True') return { available: true, reason: 'Available' };
    return { available: false, reason: cond ? `${cond.reason ?? 'not available'}${cond.message ? `: ${cond.message}` : ''}` : 'no Available condition yet' };
  } catch (e) {
    if ((e as { code?: unknown }).code === 404) return { available: false, reason: 'not registered (this cluster was started without metrics-server)' };
    return { available: false, reason: `APIService not readable: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
}

export async function clusterStatus(paths: ClusterPaths): Promise<ClusterStatus> {
  const state = readClusterState(paths);
  if (!state) return { running: false };
  const health = await clusterHealth(state);
  const status: ClusterStatus = { running: health.healthy, state, health };
  if (health.apiServer.ok) {
    const kc = loadKubeConfig(state.kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    const [nodes, pods, metricsApi] = await Promise.all([core.listNode(), core.listPodForAllNamespaces(), metricsApiStatus(kc)]);
    status.nodes = { total: nodes.items.length, ready: nodes.items.filter(isNodeReady).length };
    status.pods = countPodsByStatus(pods.items);
    status.metricsApi = metricsApi;
  }
  return status;
}

/** A kubectl-style table of what runs where, then the ways in. */
export function formatClusterStatus(status: ClusterStatus, paths: ClusterPaths): string {
  if (!status.state || !status.health) {
    return `The demo cluster is not running (state dir ${paths.stateDir}).\nStart it with: k8s-experts cluster up`;
  }
  const { state, health } = status;
  const table = renderTable(
    ['Component', 'Pid', 'State', 'Log'],
    health.processes.map((p) => [p.name, p.pid, p.running ? 'running' : 'stopped', p.logFile ?? '-']),
  );
  const lines = [
    `Demo cluster ${state.name}: ${health.healthy ? 'up' : `DEGRADED (${health.problems.join('; ')})`}`,
    '',
    table,
    '',
    `API server   ${state.apiServer}  ${health.apiServer.ok ? `(Kubernetes ${health.apiServer.version})` : `(not answering: ${health.apiServer.error})`}`,
    `Prometheus   ${state.prometheusUrl}  ${health.prometheus.ok ? '(ready)' : `(not answering: ${health.prometheus.error})`}`,
    `kube-state-metrics ${state.kubeStateMetricsUrl}/metrics`,
    `kubeconfig   ${state.kubeconfig}`,
    `kubectl      ${state.kubectl}`,
  ];
  if (status.metricsApi) {
    lines.push(`metrics API  ${METRICS_API_SERVICE} ${status.metricsApi.available ? '(available)' : `(not available: ${status.metricsApi.reason})`}`);
  }
  if (status.nodes) lines.push(`nodes        ${status.nodes.ready}/${status.nodes.total} Ready`);
  if (status.pods) {
    lines.push(
      `pods         ${Object.entries(status.pods)
        .sort((a, b) => b[1] - a[1])
        .map(([s, n]) => `${n} ${s}`)
        .join(', ')}`,
    );
  }
  return lines.join('\n');
}
