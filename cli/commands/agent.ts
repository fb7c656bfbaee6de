import type { Command } from 'commander';
import { SPECIALISTS, type SpecialistName } from '../../shared/a2a/agent.js';
import { UserError } from '../../shared/errors.js';
import { loggerFromConfig } from '../../shared/logger.js';
import { localCrewPeers, mcpUrlsFromConfig, serveRouter, serveSpecialist } from '../crew.js';
import { SPECIALIST_FACTORIES } from '../specialists.js';
import { configFromCommand } from '../options.js';
import { untilStopped } from '../signals.js';

const NAMES = ['router', ...SPECIALISTS] as const;

/**
 * `k8s-experts agent <name>`: one agent as its own process (a compose service, a pod). A
 * specialist reaches the MCP servers over HTTP on the configured ports; the router routes to
 * a2a.peers, or to the specialists on their configured ports on this host.
 */
export function registerAgentCommand(program: Command): void {
  program
    .command('agent')
    .description(`run one agent of the crew as an A2A server (${NAMES.join(', ')})`)
    .argument('<name>', NAMES.join(' | '))
    .action(async (name: string, _opts: unknown, command: Command) => {
      if (!(NAMES as readonly string[]).includes(name)) throw new UserError(`unknown agent "${name}"`, `choose one of: ${NAMES.join(', ')}`);
      const config = configFromCommand(command);
      const logger = loggerFromConfig(config, { console: 'stderr', name: `agent-${name}` });
      if (!['127.0.0.1', 'localhost', '::1'].includes(config.a2a.host) && !config.a2a.token) {
        throw new UserError(`binding to ${config.a2a.host} would open the agent to the network without authentication`, 'set a2a.token / K8S_EXPERTS_A2A_TOKEN (16+ characters), or keep the default 127.0.0.1');
      }
      let close: () => Promise<void>;
      let stopped: Promise<void>;
      if (name === 'router') {
        const peers = config.a2a.peers.length ? config.a2a.peers.map((url) => ({ url })) : localCrewPeers(config);
        const router = await serveRouter({ config, logger, peers: async () => peers, kubernetesUrl: mcpUrlsFromConfig(config).kubernetes, port: config.a2a.ports.router, queryPort: config.a2a.ports.query });
        stopped = untilStopped();
        for (const e of router.endpoints) console.log(`${e.name} listening on ${e.url}`);
        close = router.close;
      } else {
        const specialist = name as SpecialistName;
        const served = await serveSpecialist({ name: specialist, factory: SPECIALIST_FACTORIES[specialist], config, logger, mcpUrls: mcpUrlsFromConfig(config), port: config.a2a.ports[specialist] });
        stopped = untilStopped();
        console.log(`${name} listening on ${served.running.url}`);
        close = served.close;
      }
      // Listening for signals began before "listening on" was printed: a stop right after it closes cleanly.
      await stopped;
      await close();
    });
}
