import { CoreV1Api } from '@kubernetes/client-node';
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
}

export async function clusterStatus(paths: ClusterPaths): Promise<ClusterStatus> {
  const state = readClusterState(paths);
  if (!state) return { running: false };
  const health = await clusterHealth(state);
  const status: ClusterStatus = { running: health.healthy, state, health };
  if (health.apiServer.ok) {
    const core = loadKubeConfig(state.kubeconfig).makeApiClient(CoreV1Api);
    const [nodes, pods] = await Promise.all([core.listNode(), core.listPodForAllNamespaces()]);
    status.nodes = { total: nodes.items.length, ready: nodes.items.filter(isNodeReady).length };
    status.pods = countPodsByStatus(pods.items);
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
