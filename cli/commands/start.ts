import type { Command } from 'commander';
import { checkConnection, createKubeClient, findKubeconfig } from '../../shared/kube.js';
import { clusterPaths } from '../../tools/cluster/paths.js';
import { clusterStatus, formatClusterStatus } from '../../tools/cluster/status.js';
import { clusterUp } from '../../tools/cluster/up.js';
import { configFromCommand } from '../options.js';
import { howToLook } from './cluster.js';

/**
 * `k8s-experts start`: the main job. Until the agents land it makes sure there is a cluster to
 * work on — the configured one, or the local demo cluster when none is configured — and says
 * how to look at it.
 */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('start k8s-experts on the configured cluster, or on the local demo cluster when none is configured')
    .action(async (_opts: unknown, command: Command) => {
      const config = configFromCommand(command);
      if (!findKubeconfig(config.kubernetes.kubeconfig)) {
        console.log('No cluster is configured (no KUBECONFIG, no ~/.kube/config): using the local demo cluster.');
        const paths = clusterPaths();
        const { state, reused, seconds } = await clusterUp(paths);
        console.log(reused ? 'The demo cluster was already up.' : `The demo cluster came up in ${seconds} s.`);
        console.log(formatClusterStatus(await clusterStatus(paths), paths));
        console.log('');
        console.log(howToLook(state.kubeconfig, state.kubectl, state.prometheusUrl));
        return;
      }
      const client = createKubeClient(config.kubernetes);
      const version = await checkConnection(client);
      console.log(`Using context "${client.context}" at ${client.server} (Kubernetes ${version.gitVersion}), from ${client.source}.`);
      console.log('The agents arrive with the next releases; `k8s-experts check` shows what they will see.');
    });
}
