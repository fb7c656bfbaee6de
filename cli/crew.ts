/**
 * The whole crew in one process, each part behind its real protocol: the three MCP servers on
 * Streamable HTTP, every specialist an A2A server whose MCP clients connect to them over HTTP,
 * the router reading the specialists' cards, and the /query endpoint on the router.
 */
import type { Server } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type AgentContext, type AgentDefinition, type McpClients, type McpServerName, SPECIALISTS, type SpecialistName } from '../shared/a2a/agent.js';
import { TaskExecutor } from '../shared/a2a/executor.js';
import { type RunningAgent, serveAgent } from '../shared/a2a/serve.js';
import type { Config } from '../shared/config.js';
import { UserError } from '../shared/errors.js';
import { argsForLog, type Logger } from '../shared/logger.js';
import { type RunningHttpServer, serveHttp } from '../shared/mcp/http.js';
import { VERSION } from '../shared/version.js';
import { startWatch } from '../shared/watch/start.js';
import { createQueryApp, createRouterAgent } from '../agents/router/index.js';
import { kubernetesServicePeers, type PeerSource } from '../agents/router/peers.js';
import { helmServerFactory } from '../mcp-servers/helm/index.js';
import { kubernetesServerFactory } from '../mcp-servers/kubernetes/index.js';
import { prometheusServerFactory } from '../mcp-servers/prometheus/index.js';
import { openWriteDeps, withDemoPrometheus } from './commands/mcp.js';
import { helmBinary } from './helm-binary.js';
import { openExecution } from './execution.js';

export type SpecialistFactories = Record<SpecialistName, (ctx: AgentContext) => AgentDefinition>;

export interface Endpoint {
  name: string;
  kind: 'MCP' | 'A2A' | 'HTTP';
  url: string;
}

export interface RunningCrew {
  endpoints: Endpoint[];
  close(): Promise<void>;
}

export interface CrewOptions {
  config: Config;
  logger: Logger;
  specialists: SpecialistFactories;
  /** Every port from config (the default), or any free port (tests, a second crew). */
  anyPort?: boolean;
}

/** An MCP client that logs every tool call it makes, so agent.log holds each one. */
function loggingClient(client: Client, logger: Logger, agent: string): Client {
  const callTool = client.callTool.bind(client);
  client.callTool = (async (params, schema, options) => {
    logger.info({ agent, tool: params.name, args: argsForLog(params.arguments) }, 'tool call');
    const result = await callTool(params, schema, options);
    logger.info({ agent, tool: params.name, isError: Boolean(result.isError) }, 'tool result');
    return result;
  }) as typeof client.callTool;
  return client;
}

async function connectMcp(url: string, token: string | undefined, agent: string, logger: Logger): Promise<Client> {
  const client = new Client({ name: `k8s-experts-${agent}`, version: VERSION });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : undefined));
  return loggingClient(client, logger, agent);
}

/** Where one of the crew's agents answers on this host: its configured port on loopback. */
export function localAgentUrl(config: Config, agent: SpecialistName | 'router'): string {
  return `http://127.0.0.1:${config.a2a.ports[agent]}`;
}

/** The crew's specialists on this host, as the router's peers. */
export function localCrewPeers(config: Config): PeerSource[] {
  return SPECIALISTS.map((agent) => ({ agent, url: localAgentUrl(config, agent) }));
}

/** Where an agent process finds the MCP servers: the crew's own, or the configured ports on loopback. */
export function mcpUrlsFromConfig(config: Config): Record<McpServerName, string> {
  const host = ['0.0.0.0', '::'].includes(config.mcp.host) ? '127.0.0.1' : config.mcp.host;
  const url = (port: number) => `http://${host.includes(':') ? `[${host}]` : host}:${port}/mcp`;
  return { kubernetes: url(config.mcp.ports.kubernetes), helm: url(config.mcp.ports.helm), prometheus: url(config.mcp.ports.prometheus) };
}

/** One specialist as an A2A server, with its own MCP sessions to the servers it needs. */
export async function serveSpecialist(options: { name: SpecialistName; factory: (ctx: AgentContext) => AgentDefinition; config: Config; logger: Logger; mcpUrls: Partial<Record<McpServerName, string>>; port: number }): Promise<{ running: RunningAgent; close(): Promise<void> }> {
  const { name, config, logger } = options;
  const mcp: McpClients = {};
  const clients: Client[] = [];
  try {
    for (const server of ['kubernetes', 'helm', 'prometheus'] as const) {
      const url = options.mcpUrls[server];
      if (!url) continue;
      // A server that is not up is a missing client: the agent says what it cannot do without it.
      const client = await connectMcp(url, config.mcp.token, name, logger).catch((e: unknown) => {
        logger.warn({ agent: name, server, url, err: e }, 'MCP server not reachable; the agent runs without it');
        return undefined;
      });
      if (!client) continue;
      clients.push(client);
      mcp[server] = client;
    }
    const definition = options.factory({ config, logger: logger.child({ agent: name }), mcp });
    const running = await serveAgent({ agent: name, executor: new TaskExecutor(definition.handler, logger), config, logger, port: options.port });
    return {
      running,
      close: async () => {
        await running.close();
        await definition.close?.();
        for (const c of clients) await c.close().catch(() => undefined);
      },
    };
  } catch (e) {
    for (const c of clients) await c.close().catch(() => undefined);
    throw e;
  }
}

/**
 * The router as an A2A server plus /query, routing to `peers` and — with a kubernetes MCP server
 * to ask — to the agents published as Services labelled k8s-experts.io/agent=true.
 */
export async function serveRouter(options: { config: Config; logger: Logger; peers: () => Promise<PeerSource[]>; kubernetesUrl?: string | undefined; port: number; queryPort: number }): Promise<{ endpoints: Endpoint[]; close(): Promise<void> }> {
  const { config, logger } = options;
  const closers: Array<() => Promise<void>> = [];
  const kubernetes = options.kubernetesUrl
    ? await connectMcp(options.kubernetesUrl, config.mcp.token, 'router', logger).catch((e: unknown) => {
        logger.warn({ err: e, url: options.kubernetesUrl }, 'no kubernetes MCP server for agent Service discovery; routing to the configured peers only');
        return undefined;
      })
    : undefined;
  if (kubernetes) closers.push(() => kubernetes.close());
  const sources = async (): Promise<PeerSource[]> => {
    // Discovery that fails (no RBAC to list Services) must not hide the configured peers.
    const discovered = kubernetes ? await kubernetesServicePeers(kubernetes).catch((e: unknown) => (logger.warn({ err: e }, 'agent Service discovery failed'), [])) : [];
    return [...(await options.peers()), ...discovered];
  };
  try {
    const execution = await openExecution(config, logger.child({ agent: 'router' }));
    if (execution) closers.push(() => execution.close());
    const router = await createRouterAgent({ config, logger: logger.child({ agent: 'router' }), mcp: kubernetes ? { kubernetes } : {} }, sources, { execution: execution?.layer });
    closers.push(() => router.close!());
    const server = await serveAgent({ agent: 'router', executor: new TaskExecutor(router.handler, logger), config, logger, port: options.port });
    closers.push(() => server.close());
    const app = createQueryApp({ engine: router.engine, logger, allowedHosts: [...new Set(['127.0.0.1', 'localhost', '[::1]', config.a2a.host, ...config.a2a.allowedHosts])] });
    const query = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(options.queryPort, config.a2a.host, () => resolve(s));
      s.once('error', reject);
    });
    closers.push(() => new Promise<void>((resolve) => query.close(() => resolve())));
    const address = query.address();
    const queryUrl = `http://${config.a2a.host}:${typeof address === 'object' && address ? address.port : options.queryPort}/query`;
    return {
      endpoints: [
        { name: 'router', kind: 'A2A', url: server.url },
        { name: 'query', kind: 'HTTP', url: queryUrl },
      ],
      close: async () => {
        for (const stop of closers.reverse()) await stop().catch((e: unknown) => logger.warn({ err: e }, 'stopping the router failed'));
      },
    };
  } catch (e) {
    for (const stop of closers.reverse()) await stop().catch(() => undefined);
    throw e;
  }
}

export async function startCrew(options: CrewOptions): Promise<RunningCrew> {
  const { config, logger } = options;
  const port = (configured: number) => (options.anyPort ? 0 : configured);
  const closers: Array<() => Promise<void>> = [];
  const endpoints: Endpoint[] = [];
  const close = async () => {
    for (const stop of closers.reverse()) await stop().catch((e: unknown) => logger.warn({ err: e }, 'stopping a part of the crew failed'));
  };
  try {
    // 1. MCP servers (also what Claude Desktop and IDEs connect to).
    const withPrometheus = withDemoPrometheus(config, logger);
    // Writes offered to MCP clients are judged by the guardian's policy and audited, as stand-alone.
    const writes = await openWriteDeps(config, logger);
    closers.push(() => writes.close());
    const mcpFactories: Partial<Record<McpServerName, () => ReturnType<ReturnType<typeof kubernetesServerFactory>>>> = {
      kubernetes: kubernetesServerFactory(config, logger, VERSION, writes.deps),
      helm: helmServerFactory(config, logger, VERSION, helmBinary(config), writes.deps),
      // Without a Prometheus the crew still runs: the observability agent says what is missing.
      ...(withPrometheus.prometheus.url ? { prometheus: prometheusServerFactory(withPrometheus, logger, VERSION) } : {}),
    };
    if (!mcpFactories.prometheus) endpoints.push({ name: 'mcp prometheus', kind: 'MCP', url: '(off: set prometheus.url / K8S_EXPERTS_PROMETHEUS_URL)' });
    const mcpUrls: Partial<Record<McpServerName, string>> = {};
    for (const name of ['kubernetes', 'helm', 'prometheus'] as const) {
      const factory = mcpFactories[name];
      if (!factory) continue;
      const running: RunningHttpServer = await serveHttp(factory, { host: config.mcp.host, port: port(config.mcp.ports[name]), token: config.mcp.token, allowedHosts: config.mcp.allowedHosts, logger }).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'EADDRINUSE') throw new UserError(`port ${config.mcp.ports[name]} (MCP ${name}) is already in use`, 'stop what holds it (another `k8s-experts start`?), or change mcp.ports');
        throw e;
      });
      closers.push(() => running.close());
      mcpUrls[name] = running.url;
      endpoints.push({ name: `mcp ${name}`, kind: 'MCP', url: running.url });
    }

    // 2. The specialists, each with its own MCP sessions.
    const agents = new Map<SpecialistName, { running: RunningAgent }>();
    for (const name of SPECIALISTS) {
      const served = await serveSpecialist({ name, factory: options.specialists[name], config, logger, mcpUrls, port: port(config.a2a.ports[name]) });
      agents.set(name, served);
      closers.push(() => served.close());
      endpoints.push({ name, kind: 'A2A', url: served.running.url });
    }

    // 3. The router (peers: the local crew plus any configured, e.g. other platforms' agents) and /query.
    const local = [...agents].map(([agent, served]) => ({ agent, url: served.running.url }));
    const router = await serveRouter({ config, logger, peers: async () => [...local, ...config.a2a.peers.map((url) => ({ url }))], kubernetesUrl: mcpUrls.kubernetes, port: port(config.a2a.ports.router), queryPort: port(config.a2a.ports.query) });
    closers.push(() => router.close());
    endpoints.push(...router.endpoints);

    // 4. The watch (watch.enabled): analyzers and anomaly checks every interval, its findings in the log and for the observability agent's watch skill.
    if (config.watch.enabled) {
      const clients = await Promise.all(
        (['kubernetes', 'prometheus'] as const).map((server) => (mcpUrls[server] ? connectMcp(mcpUrls[server], config.mcp.token, 'watch', logger).catch((e: unknown) => (logger.warn({ server, err: e }, 'watch: MCP server not reachable'), undefined)) : undefined)),
      );
      for (const c of clients) if (c) closers.push(() => c.close());
      const watch = startWatch(config, logger, { kubernetes: clients[0], prometheus: clients[1] });
      closers.push(() => watch.stop());
    }

    return { endpoints, close };
  } catch (e) {
    await close();
    throw e;
  }
}
