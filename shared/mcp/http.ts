import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger.js';

export interface HttpServeOptions {
  host: string;
  port: number;
  /** Require `Authorization: Bearer <token>` when set. */
  token?: string | undefined;
  /** Host header values accepted besides the bind address and localhost. */
  allowedHosts?: string[];
  logger: Logger;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

function jsonRpcError(res: Response, status: number, message: string): void {
  res.status(status).json({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });
}

function bearerGuard(token: string) {
  const expected = Buffer.from(token);
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="k8s-experts"');
    jsonRpcError(res, 401, 'Unauthorized: send Authorization: Bearer <token> (the server\'s mcp.token)');
  };
}

/**
 * Streamable HTTP with stateful sessions (one MCP server per session, so elicitation works), on
 * loopback by default, with a Host-header check against DNS rebinding and an optional bearer token.
 */
export async function serveHttp(createServer: () => McpServer, options: HttpServeOptions): Promise<RunningHttpServer> {
  const allowedHosts = [...new Set([...(LOOPBACK.has(options.host) ? ['127.0.0.1', 'localhost', '[::1]'] : [options.host]), ...(options.allowedHosts ?? [])])];
  const app = createMcpExpressApp({ host: options.host, allowedHosts });
  if (options.token) app.use('/mcp', bearerGuard(options.token));

  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: McpServer }>();

  app.post('/mcp', async (req: Request, res: Response) => {
    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    try {
      if (existing) {
        await existing.transport.handleRequest(req, res, req.body);
        return;
      }
      if (sessionId !== undefined || !isInitializeRequest(req.body)) {
        jsonRpcError(res, sessionId ? 404 : 400, sessionId ? 'Session not found: start a new session with initialize' : 'Bad Request: send initialize first, or an Mcp-Session-Id header');
        return;
      }
      const server = createServer();
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          sessions.set(id, { transport, server });
        },
      });
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
        void server.close();
      };
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (e) {
      options.logger.error({ err: e }, 'MCP HTTP request failed');
      if (!res.headersSent) jsonRpcError(res, 500, 'Internal server error');
    }
  });

  const sessionRequest = async (req: Request, res: Response) => {
    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (!existing) {
      jsonRpcError(res, sessionId ? 404 : 400, 'Bad Request: missing or unknown Mcp-Session-Id');
      return;
    }
    await existing.transport.handleRequest(req, res);
  };
  app.get('/mcp', sessionRequest);
  app.delete('/mcp', sessionRequest);
  app.get('/healthz', (_req: Request, res: Response) => {
    res.json({ ok: true, sessions: sessions.size });
  });

  const httpServer = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port, options.host, () => resolve(s));
    s.once('error', reject);
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${hostForUrl}:${port}/mcp`,
    port,
    close: async () => {
      for (const { transport } of sessions.values()) await transport.close().catch(() => undefined);
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
