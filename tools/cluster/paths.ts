import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** tools/cluster in the source tree, whether running from dist/ or from TypeScript sources. */
export const CLUSTER_SOURCE_DIR = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.includes(`${join('dist', 'tools')}`) ? here.replace(join('dist', 'tools'), 'tools') : here;
})();

export const DEMO_DIR = join(CLUSTER_SOURCE_DIR, 'demo');
/** The Service + APIService that kwokctl rewrites to point the aggregator at 127.0.0.1. */
export const METRICS_SERVER_MANIFEST_DIR = join(CLUSTER_SOURCE_DIR, 'metrics-server');
export const BUILD_SCRIPT = join(CLUSTER_SOURCE_DIR, 'build.sh');
export const CLUSTER_NAME = 'k8s-experts-demo';

export interface ClusterPaths {
  /** Built binaries, per component and version (survives `cluster down`). */
  cacheDir: string;
  /** Everything a running cluster owns; removed by `cluster down`. */
  stateDir: string;
  kubeconfig: string;
  stateFile: string;
  kwokWorkdir: string;
  kwokConfig: string;
  prometheusDir: string;
  logDir: string;
}

export function clusterPaths(env: NodeJS.ProcessEnv = process.env): ClusterPaths {
  const home = env.HOME ?? homedir();
  const cacheDir = env.K8S_EXPERTS_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(home, '.cache'), 'k8s-experts');
  const stateDir = env.K8S_EXPERTS_CLUSTER_DIR ?? join(env.XDG_STATE_HOME ?? join(home, '.local', 'state'), 'k8s-experts', 'demo-cluster');
  return {
    cacheDir,
    stateDir,
    kubeconfig: join(stateDir, 'kubeconfig'),
    stateFile: join(stateDir, 'state.json'),
    kwokWorkdir: join(stateDir, 'kwok'),
    kwokConfig: join(stateDir, 'kwok.yaml'),
    prometheusDir: join(stateDir, 'prometheus'),
    logDir: join(stateDir, 'logs'),
  };
}

export const COMPONENTS = ['kubernetes', 'etcd', 'kwok', 'helm', 'kube-state-metrics', 'metrics-server'] as const;
export type Component = (typeof COMPONENTS)[number];

const VERSION_KEYS: Record<Component, string> = {
  kubernetes: 'KUBERNETES_VERSION',
  etcd: 'ETCD_VERSION',
  kwok: 'KWOK_VERSION',
  helm: 'HELM_VERSION',
  'kube-state-metrics': 'KUBE_STATE_METRICS_VERSION',
  'metrics-server': 'METRICS_SERVER_VERSION',
};

/** The pinned versions in tools/cluster/versions.env (shared with build.sh). */
export function pinnedVersions(): Record<Component, string> {
  const text = readFileSync(join(CLUSTER_SOURCE_DIR, 'versions.env'), 'utf8');
  const values = new Map(
    text
      .split('\n')
      .map((l) => /^([A-Z_]+)=(\S+)/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!, m[2]!]),
  );
  return Object.fromEntries(
    COMPONENTS.map((c) => {
      const v = values.get(VERSION_KEYS[c]);
      if (!v) throw new Error(`tools/cluster/versions.env lacks ${VERSION_KEYS[c]}`);
      return [c, v];
    }),
  ) as Record<Component, string>;
}

export function componentDir(paths: ClusterPaths, component: Component, versions = pinnedVersions()): string {
  return join(paths.cacheDir, `${component}-${versions[component]}`);
}

/** Absolute paths of every binary the cluster runs. */
export function binaries(paths: ClusterPaths, versions = pinnedVersions()) {
  const k8s = componentDir(paths, 'kubernetes', versions);
  return {
    kubeApiserver: join(k8s, 'kube-apiserver'),
    kubeControllerManager: join(k8s, 'kube-controller-manager'),
    kubeScheduler: join(k8s, 'kube-scheduler'),
    kubectl: join(k8s, 'kubectl'),
    etcd: join(componentDir(paths, 'etcd', versions), 'etcd'),
    kwok: join(componentDir(paths, 'kwok', versions), 'kwok'),
    kwokctl: join(componentDir(paths, 'kwok', versions), 'kwokctl'),
    helm: join(componentDir(paths, 'helm', versions), 'helm'),
    kubeStateMetrics: join(componentDir(paths, 'kube-state-metrics', versions), 'kube-state-metrics'),
    metricsServer: join(componentDir(paths, 'metrics-server', versions), 'metrics-server'),
  };
}
export type Binaries = ReturnType<typeof binaries>;
