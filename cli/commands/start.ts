import { resolve } from 'node:path';
import type { Command } from 'commander';
import { checkConnection, createKubeClient, findKubeconfig } from '../../shared/kube.js';
import { createLogger } from '../../shared/logger.js';
import { renderTable } from '../../shared/table.js';
import { clusterPaths } from '../../tools/cluster/paths.js';
import { clusterUp } from '../../tools/cluster/up.js';
import { startCrew } from '../crew.js';
import { SPECIALIST_FACTORIES } from '../specialists.js';
import { configFromCommand } from '../options.js';
import { untilStopped } from '../signals.js';

/**
 * `k8s-experts start`: the main job. The configured cluster, or the local demo cluster when none
 * is configured (brought up if needed); then the MCP servers, every specialist, the router and
 * /query, until Ctrl-C.
 */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('start the crew (MCP servers, agents, router, /query) on the configured cluster, or on the local demo cluster when none is configured')
    .action(async (_opts: unknown, command: Command) => {
      let config = configFromCommand(command);
      if (!findKubeconfig(config.kubernetes.kubeconfig)) {
        console.log('No cluster is configured (no KUBECONFIG, no ~/.kube/config): using the local demo cluster.');
        const { state, reused, seconds } = await clusterUp(clusterPaths());
        console.log(reused ? 'The demo cluster was already up.' : `The demo cluster came up in ${seconds} s.`);
        config = { ...config, kubernetes: { ...config.kubernetes, kubeconfig: state.kubeconfig } };
      }
      const client = createKubeClient(config.kubernetes);
      const version = await checkConnection(client);
      console.log(`Cluster: context "${client.context}" at ${client.server} (Kubernetes ${version.gitVersion}).`);
      // The seeds' agent.log: every query, tool call and answer, as JSON lines.
      const logFile = config.log.file ?? resolve('agent.log');
      const logger = createLogger({ level: config.log.level === 'silent' ? 'info' : config.log.level, console: 'none', file: logFile, name: 'k8s-experts' });
      const crew = await startCrew({ config, logger, specialists: SPECIALIST_FACTORIES });
      // Listen for Ctrl-C before saying how to stop: a signal right after the banner must close cleanly.
      const stopped = untilStopped();
      console.log('');
      console.log(renderTable(['Name', 'Protocol', 'URL'], crew.endpoints.map((e) => [e.name, e.kind, e.url])));
      console.log('');
      console.log(`Log: ${logFile}`);
      const mode = config.execution.mode;
      console.log(
        mode === 'read-only'
          ? 'Execution mode: read-only — changes are planned, never applied (K8S_EXPERTS_EXECUTION_MODE=propose or execute to change that).'
          : `Execution mode: ${mode} — ${mode === 'propose' ? 'changes become proposals (dry run, verdict), never applied' : 'changes run when the guardian allows them, or after a person approves'}; audit: k8s-experts audit list.`,
      );
      console.log('Try:');
      console.log('  k8s-experts ask "How many pods are in the default namespace?"');
      console.log(`  curl -s -X POST ${crew.endpoints.find((e) => e.name === 'query')?.url} -H 'content-type: application/json' -d '{"query": "What is the status of the pod named redis?"}'`);
      console.log('Stop: Ctrl-C');
      await stopped;
      console.log('stopping …');
      await crew.close();
    });
}
