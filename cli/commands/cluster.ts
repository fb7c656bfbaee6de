import type { Command } from 'commander';
import { UserError } from '../../shared/errors.js';
import { buildComponents } from '../../tools/cluster/build.js';
import { stopCluster } from '../../tools/cluster/lifecycle.js';
import { clusterPaths, COMPONENTS, type Component } from '../../tools/cluster/paths.js';
import { clusterStatus, formatClusterStatus } from '../../tools/cluster/status.js';
import { clusterUp } from '../../tools/cluster/up.js';
import { readClusterState } from '../../tools/cluster/state.js';

/** What to tell a person once the cluster is up. */
export function howToLook(kubeconfig: string, kubectlPath: string, prometheusUrl: string): string {
  return [
    'Look at it:',
    `  export KUBECONFIG=${kubeconfig}`,
    `  kubectl get nodes                 # 3 Ready (kubectl ${kubectlPath} matches the server version)`,
    '  kubectl get pods -A               # Running, CrashLoopBackOff, ImagePullBackOff, CreateContainerConfigError, Pending',
    '  kubectl logs -n payments deploy/payments-api --previous',
    `  curl -s '${prometheusUrl}/api/v1/query?query=up'`,
    'Stop it: k8s-experts cluster down',
  ].join('\n');
}

export function registerClusterCommands(program: Command): void {
  const cluster = program.command('cluster').description('the local demo Kubernetes cluster (kwok, on 127.0.0.1)');

  cluster
    .command('up')
    .description('build what is missing, start the demo cluster and seed it (reuses a running one)')
    .option('--timeout <seconds>', 'how long to wait for the demo workloads', '120')
    .action(async (opts: { timeout: string }) => {
      const timeout = Number(opts.timeout);
      if (!Number.isFinite(timeout) || timeout <= 0) throw new UserError(`--timeout must be a positive number of seconds, got "${opts.timeout}"`);
      const paths = clusterPaths();
      const { state, reused, seconds } = await clusterUp(paths, { readyTimeoutSeconds: timeout });
      console.log(reused ? `The demo cluster is already up (${state.apiServer}).` : `The demo cluster is up in ${seconds} s (${state.apiServer}).`);
      console.log(`kubeconfig: ${state.kubeconfig}`);
      console.log(`Prometheus: ${state.prometheusUrl}`);
      console.log(howToLook(state.kubeconfig, state.kubectl, state.prometheusUrl));
    });

  cluster
    .command('down')
    .description('stop every process the demo cluster started (by PID) and remove its directories')
    .action(async () => {
      const paths = clusterPaths();
      const report = await stopCluster(paths);
      if (report.stopped.length === 0 && report.removed.length === 0) {
        console.log('The demo cluster is not running; nothing to stop.');
        return;
      }
      for (const s of report.stopped) console.log(`${s.name.padEnd(24)} pid ${String(s.pid).padEnd(8)} ${s.how}`);
      for (const r of report.removed) console.log(`removed ${r}`);
    });

  cluster
    .command('status')
    .description('what runs where, and whether it answers')
    .option('--json', 'print JSON for programs')
    .action(async (opts: { json?: boolean }) => {
      const paths = clusterPaths();
      const status = await clusterStatus(paths);
      console.log(opts.json ? JSON.stringify(status, null, 2) : formatClusterStatus(status, paths));
      if (!status.running) process.exitCode = 3;
    });

  cluster
    .command('kubeconfig')
    .description('print the demo cluster\'s kubeconfig path and nothing else')
    .action(() => {
      const paths = clusterPaths();
      if (!readClusterState(paths)) {
        throw new UserError('the demo cluster is not running, so it has no kubeconfig', 'start it with `k8s-experts cluster up` (or `npm run cluster:up`)');
      }
      console.log(paths.kubeconfig);
    });

  cluster
    .command('build')
    .description(`build and cache the cluster binaries (${COMPONENTS.join(', ')}); all when none is named`)
    .argument('[components...]', 'components to build')
    .action(async (components: string[]) => {
      const unknown = components.filter((c) => !(COMPONENTS as readonly string[]).includes(c));
      if (unknown.length) throw new UserError(`unknown component ${unknown.join(', ')}`, `choose from: ${COMPONENTS.join(', ')}`);
      const paths = clusterPaths();
      await buildComponents(paths, components.length ? (components as Component[]) : COMPONENTS);
      console.log(`Binaries are cached in ${paths.cacheDir}`);
    });
}
