import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { Listr } from 'listr2';
import { UserError } from '../../shared/errors.js';
import { isNodeReady } from '../../shared/node-status.js';
import { summarizePod } from '../../shared/pod-status.js';
import { buildComponents } from './build.js';
import { type ClusterPorts, kwokMetricsManifest, PREFERRED_PORTS, prepareDemoLogs, prometheusJobs, renderKwokctlConfig, renderPrometheusConfig } from './config-files.js';
import { DEMO_NODE_COUNT, demoManifestFiles, EXPECTED_POD_STATES } from './demo.js';
import { kubectl, run } from './exec.js';
import { clusterHealth, kwokClusterDir, kwokctlEnv, kwokProcesses, loadKubeConfig, stopCluster } from './lifecycle.js';
import { type Binaries, binaries, CLUSTER_NAME, type ClusterPaths, pinnedVersions } from './paths.js';
import { ensurePrometheusInstalled } from './prometheus.js';
import { freePort, type ManagedProcess, startDetached, waitFor } from './processes.js';
import { type ClusterState, readClusterState, writeClusterState } from './state.js';

export interface UpOptions {
  /** Seconds to wait for the demo workloads to reach their states. */
  readyTimeoutSeconds?: number;
}

export interface UpResult {
  state: ClusterState;
  reused: boolean;
  seconds: number;
}

interface UpContext {
  ports: ClusterPorts;
  bin: Binaries;
  processes: ManagedProcess[];
  prometheusBinary: string;
}

async function pickPorts(): Promise<ClusterPorts> {
  const ports = {} as ClusterPorts;
  const taken = new Set<number>();
  for (const [name, preferred] of Object.entries(PREFERRED_PORTS) as Array<[keyof ClusterPorts, number]>) {
    let port = await freePort(preferred);
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    ports[name] = port;
  }
  return ports;
}

async function applyWithRetry(bin: Binaries, kubeconfig: string, args: string[], input?: string): Promise<void> {
  await waitFor(`kubectl ${args.join(' ')}`, async () => ((await kubectl(bin.kubectl, kubeconfig, args, input)), true), 60_000, 1000);
}

function describeUnmet(pods: V1Pod[]): string[] {
  const unmet: string[] = [];
  for (const want of EXPECTED_POD_STATES) {
    const mine = pods.filter((p) => p.metadata?.namespace === want.namespace && p.metadata?.labels?.app === want.app);
    const good = mine.filter((p) => {
      const s = summarizePod(p);
      return want.status.includes(s.status) && (!want.scheduling || s.scheduling?.reason === want.scheduling);
    });
    if (good.length < want.count) {
      const seen = mine.map((p) => summarizePod(p).status).join(', ') || 'no pods';
      unmet.push(`${want.namespace}/${want.app}: want ${want.count}× ${want.status.join('|')}, have ${seen}`);
    }
  }
  return unmet;
}

async function waitForDemo(kc: KubeConfig, timeoutMs: number): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  let lastUnmet: string[] = [];
  try {
    await waitFor(
      'the demo workloads',
      async () => {
        const nodes = await core.listNode();
        const ready = nodes.items.filter(isNodeReady);
        if (ready.length < DEMO_NODE_COUNT) {
          lastUnmet = [`nodes: ${ready.length}/${DEMO_NODE_COUNT} Ready`];
          return undefined;
        }
        const pods = await core.listPodForAllNamespaces();
        lastUnmet = describeUnmet(pods.items);
        return lastUnmet.length === 0 ? true : undefined;
      },
      timeoutMs,
      1000,
    );
  } catch {
    throw new UserError(`the demo cluster did not settle in ${Math.round(timeoutMs / 1000)} s: ${lastUnmet.join('; ')}`);
  }
}

/** Waits until Prometheus has scraped every job once and each answered (`up == 1`). */
async function waitForPrometheus(url: string, jobs: string[], timeoutMs: number): Promise<void> {
  let missing = jobs;
  try {
    await waitFor(
      'Prometheus to scrape every target',
      async () => {
        const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent('up == 1')}`);
        if (!res.ok) return undefined;
        const body = (await res.json()) as { data?: { result?: Array<{ metric: { job?: string } }> } };
        const up = new Set((body.data?.result ?? []).map((r) => r.metric.job));
        missing = jobs.filter((j) => !up.has(j));
        return missing.length === 0 ? true : undefined;
      },
      timeoutMs,
      1000,
    );
  } catch {
    throw new UserError(`Prometheus has not scraped ${missing.join(', ')} successfully within ${Math.round(timeoutMs / 1000)} s`);
  }
}

/**
 * Starts the local demo cluster (building what is missing), seeds it and waits until it looks
 * the way the seed says. Reuses a cluster that is already up and healthy.
 */
export async function clusterUp(paths: ClusterPaths, options: UpOptions = {}): Promise<UpResult> {
  const started = Date.now();
  const existing = readClusterState(paths);
  if (existing) {
    const health = await clusterHealth(existing);
    if (health.healthy) return { state: existing, reused: true, seconds: 0 };
    console.error(`A previous demo cluster is half up (${health.problems.join('; ')}); removing it first.`);
    await stopCluster(paths);
  } else if (existsSync(paths.stateDir)) {
    await stopCluster(paths);
  }

  await buildComponents(paths);
  const prometheusBinary = await ensurePrometheusInstalled();
  const versions = pinnedVersions();
  const bin = binaries(paths, versions);
  const readyTimeoutMs = (options.readyTimeoutSeconds ?? 120) * 1000;

  const ctx: UpContext = { ports: await pickPorts(), bin, processes: [], prometheusBinary };
  mkdirSync(paths.logDir, { recursive: true });
  mkdirSync(paths.prometheusDir, { recursive: true });

  const tasks = new Listr<UpContext>(
    [
      {
        title: `start the control plane (kube-apiserver ${versions.kubernetes}, etcd, controller-manager, scheduler, kwok, metrics-server) on 127.0.0.1:${ctx.ports.apiServer}`,
        task: async (c) => {
          writeFileSync(paths.kwokConfig, renderKwokctlConfig(c.ports, c.bin, versions.kubernetes, join(kwokClusterDir(paths), 'pki')));
          const env = kwokctlEnv(paths, c.bin);
          try {
            await run(
              c.bin.kwokctl,
              ['--name', CLUSTER_NAME, 'create', 'cluster', '--config', paths.kwokConfig, '--kubeconfig', paths.kubeconfig, '--wait', '90s'],
              { env, timeoutMs: 180_000 },
            );
          } finally {
            c.processes.push(...kwokProcesses(paths));
          }
        },
      },
      {
        title: 'load kwok simulation rules (logs, resource metrics)',
        task: async (c) => {
          await applyWithRetry(c.bin, paths.kubeconfig, ['apply', '-f', '-'], kwokMetricsManifest());
          await applyWithRetry(c.bin, paths.kubeconfig, ['apply', '-f', '-'], prepareDemoLogs(paths));
        },
      },
      {
        title: 'seed the demo workloads (tools/cluster/demo)',
        task: async (c) => {
          for (const file of demoManifestFiles()) await applyWithRetry(c.bin, paths.kubeconfig, ['apply', '-f', file]);
        },
      },
      {
        title: `start kube-state-metrics and Prometheus (127.0.0.1:${ctx.ports.prometheus})`,
        task: async (c) => {
          c.processes.push(
            startDetached(
              'kube-state-metrics',
              c.bin.kubeStateMetrics,
              [
                `--kubeconfig=${paths.kubeconfig}`,
                '--host=127.0.0.1',
                `--port=${c.ports.kubeStateMetrics}`,
                '--telemetry-host=127.0.0.1',
                `--telemetry-port=${c.ports.kubeStateMetricsTelemetry}`,
              ],
              join(paths.logDir, 'kube-state-metrics.log'),
            ),
          );
          const pkiDir = join(kwokClusterDir(paths), 'pki');
          const configFile = join(paths.prometheusDir, 'prometheus.yml');
          writeFileSync(configFile, renderPrometheusConfig(c.ports, { cert: join(pkiDir, 'admin.crt'), key: join(pkiDir, 'admin.key') }));
          c.processes.push(
            startDetached(
              'prometheus',
              c.prometheusBinary,
              [
                `--config.file=${configFile}`,
                `--web.listen-address=127.0.0.1:${c.ports.prometheus}`,
                `--storage.tsdb.path=${join(paths.prometheusDir, 'data')}`,
                '--storage.tsdb.retention.time=2d',
                '--web.enable-lifecycle',
                '--web.enable-admin-api',
              ],
              join(paths.logDir, 'prometheus.log'),
            ),
          );
          writeClusterState(paths, stateOf(paths, c, versions));
        },
      },
      {
        title: 'wait for 3 Ready nodes and the demo pods (Running, CrashLoopBackOff, ImagePullBackOff, Pending, …)',
        task: async () => waitForDemo(loadKubeConfig(paths.kubeconfig), readyTimeoutMs),
      },
      {
        title: 'wait for Prometheus to scrape every target (control plane, kwok, kube-state-metrics)',
        task: async (c) => waitForPrometheus(`http://127.0.0.1:${c.ports.prometheus}`, prometheusJobs(c.ports), readyTimeoutMs),
      },
    ],
    { concurrent: false, exitOnError: true, ctx, rendererOptions: { collapseErrors: false } },
  );

  const failedLogs = join(dirname(paths.stateDir), 'demo-cluster-failed-logs');
  try {
    await tasks.run();
  } catch (e) {
    // Leave nothing half-started behind: record what runs so `down` can stop it, then stop it.
    writeClusterState(paths, stateOf(paths, ctx, versions));
    await stopCluster(paths, { keepLogsIn: failedLogs });
    const message = e instanceof UserError ? e.message : `the demo cluster failed to start: ${e instanceof Error ? e.message : String(e)}`;
    throw new UserError(message, `read the component logs kept in ${failedLogs}, then run \`k8s-experts cluster up\` again`);
  }
  const state = stateOf(paths, ctx, versions);
  writeClusterState(paths, state);
  rmSync(failedLogs, { recursive: true, force: true });
  return { state, reused: false, seconds: Math.round((Date.now() - started) / 100) / 10 };
}

function stateOf(paths: ClusterPaths, ctx: UpContext, versions: Record<string, string>): ClusterState {
  return {
    name: CLUSTER_NAME,
    createdAt: new Date().toISOString(),
    kubeconfig: paths.kubeconfig,
    apiServer: `https://127.0.0.1:${ctx.ports.apiServer}`,
    prometheusUrl: `http://127.0.0.1:${ctx.ports.prometheus}`,
    kubeStateMetricsUrl: `http://127.0.0.1:${ctx.ports.kubeStateMetrics}`,
    kwokControllerUrl: `http://127.0.0.1:${ctx.ports.kwokController}`,
    kubectl: ctx.bin.kubectl,
    helm: ctx.bin.helm,
    versions,
    processes: ctx.processes,
  };
}
