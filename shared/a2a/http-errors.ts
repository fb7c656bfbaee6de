import type { Request, Response } from 'express';
import { REST_PATH } from './card.js';

const REST_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/**
 * An error answered before the SDK's handlers run (auth, Host check, shutdown), in the shape the
 * caller's binding expects: the HTTP+JSON error body under the REST path, a JSON-RPC error
 * (`id: null`, code -32000 reserved for server errors) everywhere else.
 */
export function sendHttpError(req: Request, res: Response, status: number, message: string): void {
  const path = req.originalUrl.split('?')[0] ?? '';
  if (path === REST_PATH || path.startsWith(`${REST_PATH}/`)) {
    res.status(status).json({ error: { code: status, status: REST_STATUS[status] ?? 'UNKNOWN', message, details: [] } });
    return;
  }
  res.status(status).json({ jsonrpc: '2.0', id: null, error: { code: -32000, message } });
}
