import { createServer, type Server } from 'node:http';
import { AGENT_CARD_PATH, type AgentCard } from '@a2a-js/sdk';
import { type AgentExecutor, DefaultRequestHandler, defaultServerCallContextBuilder } from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, restHandler } from '@a2a-js/sdk/server/express';
import { legacyAgentCardRouter } from '@a2a-js/sdk/compat/v0_3/server/express';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Config } from '../config.js';
import { errorMessage, UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import { bearerAuth, userBuilderFor } from './auth.js';
import { type AgentCardSpec, agentCardJson, buildAgentCard, JSONRPC_PATH, loadCardSpec, REST_PATH } from './card.js';
import { allowedHostnames, hostCheck, isLoopback } from './host-check.js';
import { sendHttpError } from './http-errors.js';
import { jsonRpcCheck } from './jsonrpc-check.js';
import { failInterruptedTasks } from './recover.js';
import { openTaskStore, type TaskStoreHandle } from './task-store.js';

export interface ServeAgentOptions {
  /** The agent's name: its card is `cards/<agent>.json`, its default port `a2a.ports.<agent>`, its tasks its own. */
  agent: string;
  /** The card's content; loaded from `cards/<agent>.json` when absent. */
  card?: AgentCardSpec;
  executor: AgentExecutor;
  config: Config;
  logger: Logger;
  /** Port to listen on (0 picks a free one); default `a2a.ports.<agent>`. */
  port?: number;
  /** Bind address; default `a2a.host`. */
  host?: string;
  /** Base URL the card advertises; default http://<host>:<port> (for a wildcard bind: the first a2a.allowedHosts entry). */
  publicUrl?: string;
  /** How long close() lets running tasks finish before canceling them; default 10 s. */
  shutdownTimeoutMs?: number;
}

export interface RunningAgent {
  agent: string;
  /** The base URL (the card is at `<url>/.well-known/agent-card.json`). */
  url: string;
  port: number;
  card: AgentCard;
  /** Stops accepting, lets running tasks finish (then cancels them), closes connections and the task store. Idempotent. */
  close(): Promise<void>;
}

const WILDCARD = new Set(['0.0.0.0', '::', '[::]']);

function defaultPort(config: Config, agent: string): number {
  const ports = config.a2a.ports as Record<string, number>;
  const port = ports[agent];
  if (port === undefined) {
    throw new UserError(`agent "${agent}" has no a2a.ports entry`, `pass a port to serveAgent, or use one of: ${Object.keys(ports).join(', ')}`);
  }
  return port;
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (e.code === 'EADDRINUSE') reject(new UserError(`port ${port} on ${host} is already in use`, 'stop what holds it, or set another a2a.ports entry (0 picks a free one)'));
      else if (e.code === 'EADDRNOTAVAIL') reject(new UserError(`cannot bind to ${host}: no such local address`, 'set a2a.host to an address of this machine (127.0.0.1 by default)'));
      else reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

/**
 * Serves one agent over A2A: the card at `/.well-known/agent-card.json` (1.0 wire shape; the 0.3
 * shape for clients that ask for 0.3 or send no A2A-Version), JSON-RPC at `/a2a/jsonrpc` (and `/`),
 * HTTP+JSON at `/a2a/rest`, SSE streaming, GetTask/CancelTask/ListTasks, 0.3 clients through the
 * SDK's compat layer, durable tasks, bearer auth when a2a.token is set, a Host-header check and
 * `/healthz`. A bind beyond loopback without a token is refused.
 */
export async function serveAgent(options: ServeAgentOptions): Promise<RunningAgent> {
  const { agent, config, logger } = options;
  const host = options.host ?? config.a2a.host;
  const token = config.a2a.token;
  if (!isLoopback(host) && !token) {
    throw new UserError(
      `binding agent ${agent} to ${host} would open it to the network without authentication`,
      'set a2a.token / K8S_EXPERTS_A2A_TOKEN (16+ characters), or keep the default a2a.host 127.0.0.1',
    );
  }
  const spec = options.card ?? loadCardSpec(agent);
  const port = options.port ?? defaultPort(config, agent);
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000;
  const log = logger.child({ agent });

  const tasks: TaskStoreHandle = await openTaskStore({ agent, config, logger: log });

  // Executions and HTTP exchanges in flight, for a graceful shutdown.
  const inflight = new Map<string, { done: Promise<void> }>();
  let openExchanges = 0;
  const executor = options.executor;
  const tracked: AgentExecutor = {
    execute: (ctx, bus) => {
      const run = executor.execute(ctx, bus);
      const entry = { done: run.then(() => undefined, () => undefined) };
      inflight.set(ctx.taskId, entry);
      return run.finally(() => {
        if (inflight.get(ctx.taskId) === entry) inflight.delete(ctx.taskId);
      });
    },
    cancelTask: (taskId, bus) => executor.cancelTask(taskId, bus),
  };

  const server = createServer();
  let boundPort: number;
  try {
    boundPort = await listen(server, port, host);
    // Only once the port is ours: an instance that cannot bind may be a second one of this agent.
    const interrupted = await failInterruptedTasks(tasks.store, agent);
    if (interrupted.length > 0) log.warn({ tasks: interrupted }, `marked ${interrupted.length} task(s) interrupted by the previous shutdown as failed`);
  } catch (e) {
    if (server.listening) await new Promise((r) => server.close(r));
    await tasks.close();
    throw e;
  }

  const hostForUrl = WILDCARD.has(host) ? (config.a2a.allowedHosts[0] ?? '127.0.0.1') : host.includes(':') ? `[${host}]` : host;
  const url = (options.publicUrl ?? `http://${hostForUrl}:${boundPort}`).replace(/\/+$/, '');
  const card = buildAgentCard(spec, { baseUrl: url, token });
  const requestHandler = new DefaultRequestHandler(card, tasks.store, tracked);
  const userBuilder = userBuilderFor(token);
  let closing = false;

  const app = express();
  app.disable('x-powered-by');
  app.use(hostCheck(allowedHostnames(host, config.a2a.allowedHosts)));
  app.get('/healthz', (_req: Request, res: Response) => {
    res.status(closing ? 503 : 200).json({ ok: !closing, agent, runningTasks: inflight.size });
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!closing) return next();
    res.setHeader('Connection', 'close');
    sendHttpError(req, res, 503, `agent ${agent} is shutting down; retry against its next instance`);
  });

  // The card: public (clients learn the auth scheme from it). 0.3 requests (A2A-Version 0.3 or
  // none) get the SDK's compat card; 1.0 requests the spec's JSON through AgentCard.toJSON.
  const wireCard = agentCardJson(card) as unknown as AgentCard;
  app.use(
    `/${AGENT_CARD_PATH}`,
    (_req: Request, res: Response, next: NextFunction) => {
      res.vary('A2A-Version');
      next();
    },
    legacyAgentCardRouter({ agentCardProvider: async () => card, cache: { maxAge: 300 } }),
    agentCardHandler({ agentCardProvider: async () => wireCard, cache: { maxAge: 300 } }),
  );

  if (token) {
    const auth = bearerAuth(token);
    app.use('/a2a', auth);
    app.post('/', auth);
  }
  const jsonRpc = [...jsonRpcCheck(), jsonRpcHandler({ requestHandler, userBuilder, legacyCompat: { enabled: true } })];
  app.use(JSONRPC_PATH, ...jsonRpc);
  app.use(REST_PATH, restHandler({ requestHandler, userBuilder, legacyCompat: { enabled: true } }));
  // Peers that post JSON-RPC to the base URL (common among 0.3 clients).
  app.post('/', ...jsonRpc);

  app.use((req: Request, res: Response) => {
    sendHttpError(req, res, 404, `no A2A endpoint at ${req.method} ${req.path}: the card is at /${AGENT_CARD_PATH}, JSON-RPC at ${JSONRPC_PATH}, HTTP+JSON at ${REST_PATH}`);
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    log.error({ err, path: req.path }, 'A2A request failed');
    if (!res.headersSent) sendHttpError(req, res, 500, `internal error: ${errorMessage(err)}`);
    else res.end();
  });

  server.on('request', (req, res) => {
    openExchanges++;
    res.once('close', () => openExchanges--);
    app(req, res);
  });
  log.info({ url, tasks: tasks.kind, auth: token ? 'bearer' : 'none' }, `A2A agent ${agent} listening on ${url}`);

  const quiet = () => inflight.size === 0 && openExchanges === 0;
  /** Resolves true once nothing runs and no response is open, false when `ms` passes first. */
  const settle = async (ms: number): Promise<boolean> => {
    const deadline = Date.now() + ms;
    while (!quiet() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return quiet();
  };

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (!quiet()) {
        log.info({ runningTasks: inflight.size, openRequests: openExchanges }, 'letting running tasks finish before shutting down');
        if (!(await settle(shutdownTimeoutMs)) && inflight.size > 0) {
          const running = [...inflight.keys()];
          log.warn({ running }, `tasks still running after ${shutdownTimeoutMs} ms: canceling them`);
          // Through the request handler, so the canceled state reaches the store and the streams.
          const context = defaultServerCallContextBuilder({ extensions: undefined, user: undefined, headers: {} });
          await Promise.allSettled(running.map((id) => requestHandler.cancelTask({ tenant: '', id, metadata: undefined }, context)));
        }
        await settle(1_000);
      }
      server.closeAllConnections();
      await stopped;
      await tasks.close();
      log.info(`A2A agent ${agent} stopped`);
    })();
    return closed;
  };

  return { agent, url, port: boundPort, card, close };
}
