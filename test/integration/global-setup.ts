import type { TestProject } from 'vitest/node';
import { clusterHealth } from '../../tools/cluster/lifecycle.js';
import { clusterPaths } from '../../tools/cluster/paths.js';
import { readClusterState } from '../../tools/cluster/state.js';
import { cleanEnv, runCli } from '../helpers/cli.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    prometheusUrl: string;
    kubectl: string;
    helm: string;
    clusterDir: string;
    cacheDir: string;
  }
}

/**
 * Reuses a healthy demo cluster (CI starts one before `npm test`) or starts one with the real
 * CLI. A cluster started here is stopped afterwards unless K8S_EXPERTS_KEEP_CLUSTER is set.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const paths = clusterPaths();
  const existing = readClusterState(paths);
  const reuse = existing ? (await clusterHealth(existing)).healthy : false;
  const env = { ...process.env } as Record<string, string>;
  if (!reuse) {
    console.log('[integration] no healthy demo cluster: starting one with `k8s-experts cluster up`');
    const r = await runCli(['cluster', 'up'], cleanEnv(env), 900_000);
    if (r.code !== 0) throw new Error(`k8s-experts cluster up failed (exit ${r.code}):\n${r.stderr}\n${r.stdout}`);
  }
  const state = readClusterState(paths);
  if (!state) throw new Error(`no cluster state in ${paths.stateFile} after cluster up`);
  project.provide('kubeconfig', state.kubeconfig);
  project.provide('prometheusUrl', state.prometheusUrl);
  project.provide('kubectl', state.kubectl);
  project.provide('helm', state.helm);
  project.provide('clusterDir', paths.stateDir);
  project.provide('cacheDir', paths.cacheDir);
  return async () => {
    if (!reuse && !process.env.K8S_EXPERTS_KEEP_CLUSTER) await runCli(['cluster', 'down'], cleanEnv(env));
  };
}
