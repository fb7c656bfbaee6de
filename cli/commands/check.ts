import { CoreV1Api } from '@kubernetes/client-node';
import type { Command } from 'commander';
import { checkConnection, createKubeClient, withTimeout } from '../../shared/kube.js';
import { isNodeReady } from '../../shared/node-status.js';
import { configFromCommand } from '../options.js';

/** `k8s-experts check`: is the configured cluster reachable, and with which settings. */
export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('check the configuration and that the configured cluster (and Prometheus) answer')
    .option('--json', 'print JSON for programs')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const config = configFromCommand(command);
      const client = createKubeClient(config.kubernetes);
      const version = await checkConnection(client);
      const core = client.kubeConfig.makeApiClient(CoreV1Api);
      const nodes = await withTimeout(core.listNode(), client.timeoutMs, 'listing nodes');
      const ready = nodes.items.filter(isNodeReady).length;
      let prometheus: string | undefined;
      if (config.prometheus.url) {
        const res = await fetch(`${config.prometheus.url}/-/ready`, { signal: AbortSignal.timeout(client.timeoutMs) }).catch((e: unknown) => e as Error);
        prometheus = res instanceof Error ? `not answering (${res.message})` : res.ok ? 'ready' : `HTTP ${res.status}`;
      }
      const result = {
        kubeconfig: client.files.join(':') || '(in-cluster)',
        source: client.source,
        context: client.context,
        server: client.server,
        version: version.gitVersion,
        nodes: { total: nodes.items.length, ready },
        ...(config.prometheus.url ? { prometheus: { url: config.prometheus.url, status: prometheus } } : {}),
      };
      if (opts.json) {
        console.log(JSON.stringify(result, null, 2));
        return;
      }
      console.log(`kubeconfig   ${result.kubeconfig} (from ${result.source})`);
      console.log(`context      ${result.context}`);
      console.log(`server       ${result.server} (Kubernetes ${result.version})`);
      console.log(`nodes        ${ready}/${nodes.items.length} Ready`);
      if (result.prometheus) console.log(`prometheus   ${result.prometheus.url} (${result.prometheus.status})`);
    });
}
