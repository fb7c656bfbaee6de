import type { NextFunction, Request, Response } from 'express';
import { sendHttpError } from './http-errors.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host);
}

/** Host names (no port) a server bound to `host` answers to: loopback names, or the bind address, plus the extra ones. */
export function allowedHostnames(host: string, extra: string[] = []): string[] {
  const own = isLoopback(host) ? ['127.0.0.1', 'localhost', '[::1]'] : [host.includes(':') ? `[${host}]` : host];
  return [...new Set([...own, ...extra])];
}

/**
 * DNS-rebinding guard (as shared/mcp/http.ts gets from the MCP SDK): a request whose Host header
 * names another host is refused with 403 before anything else reads it.
 */
export function hostCheck(allowed: string[]) {
  const set = new Set(allowed.map((h) => h.toLowerCase()));
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.host;
    let hostname: string | undefined;
    try {
      hostname = header ? new URL(`http://${header}`).hostname.toLowerCase() : undefined;
    } catch {
      hostname = undefined;
    }
    if (hostname && set.has(hostname)) return next();
    sendHttpError(
      req,
      res,
      403,
      `Forbidden: Host header ${header ? `"${header}"` : '(missing)'} is not one this agent answers to (${[...set].join(', ')}); add it to a2a.allowedHosts`,
    );
  };
}
