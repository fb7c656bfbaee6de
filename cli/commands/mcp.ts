import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Command } from 'commander';
import { AuditLog } from '../../shared/audit/log.js';
import { openPolicySource } from '../../shared/policy/source.js';
import type { Config } from '../../shared/config.js';
import { UserError } from '../../shared/errors.js';
import { type Logger, loggerFromConfig } from '../../shared/logger.js';
import { serveHttp } from '../../shared/mcp/http.js';
import type { WriteDeps } from '../../shared/mcp/policy.js';
import { serveStdio } from '../../shared/mcp/stdio.js';
import { VERSION } from '../../shared/version.js';
import { kubernetesServerFactory } from '../../mcp-servers/kubernetes/index.js';
import { prometheusServerFactory } from '../../mcp-servers/prometheus/index.js';
import { helmServerFactory } from '../../mcp-servers/helm/index.js';
import { clusterPaths } from '../../tools/cluster/paths.js';
import { readClusterState } from '../../tools/cluster/state.js';
import { createCrewMcpServer } from '../../agents/router/mcp-bridge.js';
import { PeerClient } from '../../agents/router/peer-client.js';
import { PeerDirectory } from '../../agents/router/peers.js';
import { localAgentUrl, localCrewPeers } from '../crew.js';
import { configFromCommand } from '../options.js';
import { untilStopped } from '../signals.js';
import { helmBinary } from '../helm-binary.js';

type ServerFactory = (config: Config, logger: Logger, version: string, deps: WriteDeps) => () => McpServer;

/** `writes`: the server has write tools, which are audited when they are offered. */
const SERVERS: Record<string, { factory: ServerFactory; port: (c: Config) => number; writes?: boolean }> = {
  kubernetes: { factory: kubernetesServerFactory, port: (c) => c.mcp.ports.kubernetes, writes: true },
  prometheus: { factory: (c, l, v) => prometheusServerFactory(withDemoPrometheus(c, l), l, v), port: (c) => c.mcp.ports.prometheus },
  helm: { factory: (c, l, v, deps) => helmServerFactory(c, l, v, helmBinary(c), deps), port: (c) => c.mcp.ports.helm, writes: true },
  // The whole crew through the router of a running `k8s-experts start` (list_agents, ask).
  crew: { factory: crewServerFactory, port: (c) => c.mcp.ports.crew },
};

/**
 * What servers with write tools need when writes are offered: the guardian's policy (the policy
 * file, re-read when it changes) and the audit log. Nothing to open otherwise.
 */
export async function openWriteDeps(config: Config, logger: Logger): Promise<{ deps: WriteDeps; close(): Promise<void> }> {
  if (!writesOffered(config)) return { deps: {}, close: async () => undefined };
  const source = openPolicySource(config, logger);
  const audit = await AuditLog.open(config).catch((e: unknown) => {
    source.close();
    throw e;
  });
  logger.info({ audit: audit.location, policy: source.status().file ?? 'built-in' }, 'write tools are offered: each is judged by the guardian policy and recorded in the audit log');
  return {
    deps: { audit, policy: () => source.current().policy },
    close: async () => {
      source.close();
      await audit.close();
    },
  };
}

/** Write tools are offered only with mcp.allowWrites and an execution mode other than read-only. */
export function writesOffered(config: Config): boolean {
  return config.mcp.allowWrites && config.execution.mode !== 'read-only';
}

/** The crew bridge: the local crew's specialists (by their configured ports) plus a2a.peers, asked through the router. */
function crewServerFactory(config: Config, logger: Logger, version: string): () => McpServer {
  const client = new PeerClient(config.a2a.token);
  const local = localCrewPeers(config);
  const directory = new PeerDirectory(client, async () => [...local, ...config.a2a.peers.map((url) => ({ url }))], logger);
  return () => createCrewMcpServer({ client, directory, routerUrl: localAgentUrl(config, 'router'), timeoutMs: config.a2a.peerTimeoutMs }, version);
}

/** With no Prometheus configured, the running demo cluster's is the obvious one to use. */
export function withDemoPrometheus(config: Config, logger: Logger): Config {
  if (config.prometheus.url) return config;
  const demo = readClusterState(clusterPaths());
  if (!demo) return config;
  logger.info({ url: demo.prometheusUrl }, 'no prometheus.url configured: using the demo cluster\'s Prometheus');
  return { ...config, prometheus: { ...config.prometheus, url: demo.prometheusUrl } };
}

/** Serves one MCP server until the client goes away (stdio) or the process is stopped (HTTP). */
async function serve(serverName: string, entry: (typeof SERVERS)[string], config: Config, logger: Logger, opts: { http?: boolean; port?: string; host?: string }, deps: WriteDeps): Promise<void> {
  const create = entry.factory(config, logger, VERSION, deps);
  if (!opts.http) {
    await serveStdio(create());
    return;
  }
  const port = opts.port === undefined ? entry.port(config) : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port must be a port number, got "${opts.port}"`);
  const host = opts.host ?? config.mcp.host;
  if (!['127.0.0.1', 'localhost', '::1'].includes(host) && !config.mcp.token) {
    throw new UserError(`binding to ${host} would open cluster access to the network without authentication`, 'set mcp.token / K8S_EXPERTS_MCP_TOKEN (16+ characters), or keep the default 127.0.0.1');
  }
  const running = await serveHttp(create, { host, port, token: config.mcp.token, allowedHosts: config.mcp.allowedHosts, logger }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EADDRINUSE') throw new UserError(`port ${port} on ${host} is already in use`, 'pick another with --port (0 picks a free one)');
    throw e;
  });
  // Listen for signals before saying where it listens: a stop right after that closes cleanly.
  const stopped = untilStopped();
  console.log(`${serverName} MCP server listening on ${running.url}${config.mcp.token ? ' (bearer token required)' : ''}`);
  logger.info({ url: running.url }, 'MCP HTTP server started');
  await stopped;
  await running.close();
}

/** `k8s-experts mcp <server>`: stdio by default (Claude Desktop, IDEs), Streamable HTTP with --http. */
export function registerMcpCommand(program: Command): void {
  program
    .command('mcp')
    .description(`run an MCP tool server (${Object.keys(SERVERS).join(', ')}) over stdio, or over HTTP with --http`)
    .argument('<server>', Object.keys(SERVERS).join(' | '))
    .option('--http', 'serve Streamable HTTP instead of stdio')
    .option('--port <port>', 'HTTP port (default from config: kubernetes 4201, helm 4202, prometheus 4203; 0 = any free port)')
    .option('--host <host>', 'HTTP bind address (default 127.0.0.1)')
    .action(async (serverName: string, opts: { http?: boolean; port?: string; host?: string }, command: Command) => {
      const entry = SERVERS[serverName];
      if (!entry) throw new UserError(`unknown MCP server "${serverName}"`, `choose one of: ${Object.keys(SERVERS).join(', ')}`);
      const config = configFromCommand(command);
      // stdout belongs to the protocol on stdio: logs go to stderr (and agent.log when set).
      const logger = loggerFromConfig(config, { console: 'stderr', name: `mcp-${serverName}` });
      // Every write a stand-alone server offers is judged by the guardian's policy and recorded.
      const writes = entry.writes ? await openWriteDeps(config, logger) : undefined;
      try {
        await serve(serverName, entry, config, logger, opts, writes?.deps ?? {});
      } finally {
        await writes?.close();
      }
    });
}
