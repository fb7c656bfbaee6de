import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { stringify } from 'yaml';
import type { Binaries, ClusterPaths } from './paths.js';
import { CLUSTER_SOURCE_DIR, DEMO_DIR, METRICS_SERVER_MANIFEST_DIR } from './paths.js';

export interface ClusterPorts {
  apiServer: number;
  etcd: number;
  etcdPeer: number;
  kwokController: number;
  controllerManager: number;
  scheduler: number;
  prometheus: number;
  kubeStateMetrics: number;
  kubeStateMetricsTelemetry: number;
  metricsServer: number;
}

/** Preferred ports (the usual ones, shifted where a real cluster on this host would clash). */
export const PREFERRED_PORTS: ClusterPorts = {
  apiServer: 16443,
  etcd: 12379,
  etcdPeer: 12380,
  kwokController: 10247,
  controllerManager: 10257,
  scheduler: 10259,
  prometheus: 9090,
  kubeStateMetrics: 18080,
  kubeStateMetricsTelemetry: 18081,
  metricsServer: 14443,
};

const KWOK_DIR = join(CLUSTER_SOURCE_DIR, 'kwok');

/**
 * The kwokctl configuration: binary runtime on 127.0.0.1, our own binaries, fixed ports,
 * the Stages (defaults + failure simulations), and kwok's simulation kinds served as CRDs so
 * that logs and metrics rules can be added while the cluster runs.
 */
export function renderKwokctlConfig(ports: ClusterPorts, bin: Binaries, kubernetesVersion: string, pkiDir?: string): string {
  const kwokctl = {
    apiVersion: 'config.kwok.x-k8s.io/v1alpha1',
    kind: 'KwokctlConfiguration',
    options: {
      runtime: 'binary',
      kubeVersion: kubernetesVersion,
      bindAddress: '127.0.0.1',
      kubeApiserverPort: ports.apiServer,
      etcdPort: ports.etcd,
      etcdPeerPort: ports.etcdPeer,
      kwokControllerPort: ports.kwokController,
      kubeControllerManagerPort: ports.controllerManager,
      kubeSchedulerPort: ports.scheduler,
      kubeApiserverBinary: bin.kubeApiserver,
      kubeControllerManagerBinary: bin.kubeControllerManager,
      kubeSchedulerBinary: bin.kubeScheduler,
      kubectlBinary: bin.kubectl,
      etcdBinary: bin.etcd,
      kwokControllerBinary: bin.kwok,
      kubeAuthorization: true,
      kubeAdmission: true,
      enableCRDs: ['Metric', 'ClusterResourceUsage', 'ResourceUsage', 'Logs', 'ClusterLogs'],
      // metrics-server as a host process on 127.0.0.1 (kwokctl starts and stops it with the rest),
      // scraping kwok's simulated kubelet /metrics/resource of each node at 127.0.0.1:<kwok port>.
      // The manifest is ours, not the release's URL (kwokctl would download it).
      enableMetricsServer: true,
      metricsServerBinary: bin.metricsServer,
      metricsServerPort: ports.metricsServer,
      metricsServerManifests: [METRICS_SERVER_MANIFEST_DIR],
    },
    componentsPatches: [
      // The binary runtime starts kwok with an empty --node-ip; pods then get no hostIP.
      // kwok animates only the nodes annotated as fake (the demo's): a Node without the annotation
      // is left as its creator wrote it, like a real node whose kubelet stopped reporting.
      {
        name: 'kwok-controller',
        extraArgs: [
          { key: 'node-ip', value: '127.0.0.1', override: true },
          { key: 'manage-all-nodes', value: 'false', override: true },
          { key: 'manage-nodes-with-annotation-selector', value: 'kwok.x-k8s.io/node=fake' },
        ],
      },
      ...(pkiDir ? [frontProxyPatch(pkiDir)] : []),
    ],
  };
  const stages = ['stages-default.yaml', 'stages-failures.yaml'].map((f) => readFileSync(join(KWOK_DIR, f), 'utf8'));
  return [stringify(kwokctl), ...stages].join('\n---\n');
}

/**
 * kwokctl gives kube-apiserver a proxy client certificate (its admin certificate) but no
 * request-header CA, so the aggregator could not tell metrics-server who is asking (and
 * metrics-server logs a missing-CA error every few seconds). With these, it forwards the caller's
 * identity the way a kubeadm cluster does and metrics-server authorizes that caller; only the
 * admin certificate (CN kwok-admin) may assert an identity this way.
 */
function frontProxyPatch(pkiDir: string) {
  // Appended (`override` only replaces a flag kwokctl already passes, and it passes none of these).
  const arg = (key: string, value: string) => ({ key, value });
  return {
    name: 'kube-apiserver',
    extraArgs: [
      arg('requestheader-client-ca-file', join(pkiDir, 'ca.crt')),
      arg('requestheader-allowed-names', 'kwok-admin'),
      arg('requestheader-username-headers', 'X-Remote-User'),
      arg('requestheader-group-headers', 'X-Remote-Group'),
      arg('requestheader-extra-headers-prefix', 'X-Remote-Extra-'),
    ],
  };
}

/** kwok's Metric and ClusterResourceUsage objects, applied once the CRDs exist. */
export function kwokMetricsManifest(): string {
  return readFileSync(join(KWOK_DIR, 'metrics.yaml'), 'utf8');
}

/**
 * Converts the demo's plain-text logs to the CRI log format kwok serves (one
 * `<time> stdout F <line>` per line) and returns a ClusterLogs object that maps each container
 * name to its file: `<container>.log`, and `<container>.previous.log` for --previous.
 */
export function prepareDemoLogs(paths: ClusterPaths, now = new Date()): string {
  const source = join(DEMO_DIR, 'logs');
  const files = readdirSync(source).filter((f) => f.endsWith('.log'));
  const stamp = now.toISOString();
  for (const file of files) {
    const lines = readFileSync(join(source, file), 'utf8').replace(/\n$/, '').split('\n');
    writeFileSync(join(paths.logDir, file), lines.map((l) => `${stamp} stdout F ${l}\n`).join(''));
  }
  const containers = files.filter((f) => !f.endsWith('.previous.log')).map((f) => basename(f, '.log'));
  const clusterLogs = {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'ClusterLogs',
    metadata: { name: 'demo-logs' },
    spec: {
      logs: containers.map((c) => ({
        containers: [c],
        logsFile: join(paths.logDir, `${c}.log`),
        ...(files.includes(`${c}.previous.log`) ? { previousLogsFile: join(paths.logDir, `${c}.previous.log`) } : {}),
        follow: false,
      })),
    },
  };
  return stringify(clusterLogs);
}

/** The scrape jobs of the demo Prometheus, by name. */
export function prometheusJobs(ports: ClusterPorts): string[] {
  return scrapeConfigs(ports, { cert: '', key: '' }).map((j) => j.job_name);
}

/** Prometheus scrapes the control plane, kwok's simulated kubelet metrics and kube-state-metrics. */
export function renderPrometheusConfig(ports: ClusterPorts, pki: { cert: string; key: string }): string {
  return stringify({
    global: { scrape_interval: '15s', evaluation_interval: '15s', scrape_timeout: '10s' },
    scrape_configs: scrapeConfigs(ports, pki),
  });
}

function scrapeConfigs(ports: ClusterPorts, pki: { cert: string; key: string }) {
  const tls = { cert_file: pki.cert, key_file: pki.key, insecure_skip_verify: true };
  const job = (name: string, port: number, scheme: 'http' | 'https' = 'http') => ({
    job_name: name,
    scheme,
    static_configs: [{ targets: [`127.0.0.1:${port}`] }],
    ...(scheme === 'https' ? { tls_config: tls } : {}),
  });
  return [
    job('prometheus', ports.prometheus),
    job('etcd', ports.etcd),
    job('kube-apiserver', ports.apiServer, 'https'),
    job('kube-controller-manager', ports.controllerManager, 'https'),
    job('kube-scheduler', ports.scheduler, 'https'),
    job('kwok-controller', ports.kwokController),
    // kwok lists one target per node for the simulated kubelet /metrics/resource endpoint.
    {
      job_name: 'kubelet-resource',
      // kwok lists targets only once its Metric rules are loaded: look again often.
      http_sd_configs: [{ url: `http://127.0.0.1:${ports.kwokController}/discovery/prometheus`, refresh_interval: '5s' }],
      // All nodes share kwok's address; name each target after its node, as a kubelet job would.
      relabel_configs: [
        { source_labels: ['__metrics_path__'], regex: '/metrics/nodes/([^/]+)/.*', target_label: 'node', replacement: '$1' },
        { source_labels: ['__metrics_path__'], regex: '/metrics/nodes/([^/]+)/.*', target_label: 'instance', replacement: '$1' },
      ],
    },
    job('kube-state-metrics', ports.kubeStateMetrics),
    job('kube-state-metrics-telemetry', ports.kubeStateMetricsTelemetry),
  ];
}
