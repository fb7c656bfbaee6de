import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { checkConnection, createKubeClient } from '../../shared/kube.js';
import { run } from './exec.js';
import { type Binaries, binaries, CLUSTER_NAME, type ClusterPaths } from './paths.js';
import { isAlive, type ManagedProcess, runsBinary, stopProcess } from './processes.js';
import { type ClusterState, readClusterState } from './state.js';

export function loadKubeConfig(file: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return kc;
}

export interface ProcessStatus extends ManagedProcess {
  running: boolean;
}

export interface ClusterHealth {
  healthy: boolean;
  processes: ProcessStatus[];
  apiServer: { ok: boolean; version?: string; error?: string };
  prometheus: { ok: boolean; error?: string };
  problems: string[];
}

/** Which recorded processes still run, and whether the API server and Prometheus answer. */
export async function clusterHealth(state: ClusterState): Promise<ClusterHealth> {
  const processes = state.processes.map((p) => ({ ...p, running: isAlive(p.pid) && runsBinary(p.pid, p.binary) }));
  const problems = processes.filter((p) => !p.running).map((p) => `${p.name} (pid ${p.pid}) is not running`);

  let apiServer: ClusterHealth['apiServer'];
  try {
    const version = await checkConnection(createKubeClient({ kubeconfig: state.kubeconfig, timeoutMs: 3000 }));
    apiServer = { ok: true, version: version.gitVersion };
  } catch (e) {
    apiServer = { ok: false, error: e instanceof Error ? e.message : String(e) };
    problems.push('the API server does not answer');
  }

  let prometheus: ClusterHealth['prometheus'];
  try {
    const res = await fetch(`${state.prometheusUrl}/-/ready`, { signal: AbortSignal.timeout(3000) });
    prometheus = res.ok ? { ok: true } : { ok: false, error: `HTTP ${res.status}` };
  } catch (e) {
    prometheus = { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  if (!prometheus.ok) problems.push('Prometheus does not answer');

  return { healthy: problems.length === 0, processes, apiServer, prometheus, problems };
}

export interface StopReport {
  stopped: Array<{ name: string; pid: number; how: string }>;
  removed: string[];
}

/** kwokctl reads KWOK_* variables over its config file: pass it only the ones we mean. */
export function kwokctlEnv(paths: ClusterPaths, bin: Binaries = binaries(paths)): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KWOK_')));
  // kwokctl waits for the apiserver with the first `kubectl` on PATH: make it ours.
  return { ...env, KWOK_WORKDIR: paths.kwokWorkdir, PATH: `${dirname(bin.kubectl)}${delimiter}${env.PATH ?? ''}` };
}

export function kwokClusterDir(paths: ClusterPaths): string {
  return join(paths.kwokWorkdir, 'clusters', CLUSTER_NAME);
}

/** The components kwokctl started, from its pid files (it runs each through <workdir>/bin/<name>). */
export function kwokProcesses(paths: ClusterPaths): ManagedProcess[] {
  const dir = kwokClusterDir(paths);
  const pids = join(dir, 'pids');
  if (!existsSync(pids)) return [];
  return readdirSync(pids)
    .filter((f) => f.endsWith('.pid'))
    .map((f) => {
      const name = f.replace(/\.pid$/, '');
      return { name, pid: Number(readFileSync(join(pids, f), 'utf8').trim()), binary: join(dir, 'bin', name), logFile: join(dir, 'logs', `${name}.log`) };
    })
    .filter((p) => Number.isInteger(p.pid) && p.pid > 0);
}

/**
 * Stops every process `cluster up` started, by PID (ours first, then kwokctl's through
 * `kwokctl delete cluster`, then any survivor), and removes the cluster's directories.
 */
export async function stopCluster(paths: ClusterPaths, options: { keepLogsIn?: string } = {}): Promise<StopReport> {
  const state = readClusterState(paths);
  const recorded = state?.processes ?? [];
  const known = [...recorded, ...kwokProcesses(paths).filter((p) => !recorded.some((r) => r.pid === p.pid))];
  const report: StopReport = { stopped: [], removed: [] };

  // Our own processes first (they talk to the API server), then the control plane in reverse.
  const order = ['prometheus', 'kube-state-metrics', 'metrics-server', 'kwok-controller', 'kube-scheduler', 'kube-controller-manager', 'kube-apiserver', 'etcd'];
  const sorted = [...known].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));

  if (options.keepLogsIn) {
    mkdirSync(options.keepLogsIn, { recursive: true });
    for (const dir of [paths.logDir, join(kwokClusterDir(paths), 'logs')]) {
      if (existsSync(dir)) cpSync(dir, options.keepLogsIn, { recursive: true });
    }
  }

  for (const proc of sorted.filter((p) => p.name === 'prometheus' || p.name === 'kube-state-metrics')) {
    report.stopped.push({ name: proc.name, pid: proc.pid, how: await stopProcess(proc) });
  }

  const kwokctl = binaries(paths).kwokctl;
  if (existsSync(kwokClusterDir(paths)) && existsSync(kwokctl)) {
    // kwokctl SIGKILLs each component by its pid file and deletes its workdir.
    await run(kwokctl, ['--name', CLUSTER_NAME, 'delete', 'cluster', '--kubeconfig', paths.kubeconfig], { env: kwokctlEnv(paths), timeoutMs: 60_000 }).catch(
      () => undefined,
    );
  }
  for (const proc of sorted.filter((p) => p.name !== 'prometheus' && p.name !== 'kube-state-metrics')) {
    const how = isAlive(proc.pid) && runsBinary(proc.pid, proc.binary) ? await stopProcess(proc, 5000) : 'stopped by kwokctl';
    report.stopped.push({ name: proc.name, pid: proc.pid, how });
  }

  if (existsSync(paths.stateDir)) {
    rmSync(paths.stateDir, { recursive: true, force: true });
    report.removed.push(paths.stateDir);
  }
  return report;
}
