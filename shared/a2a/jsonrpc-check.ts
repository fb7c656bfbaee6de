import express, { type NextFunction, type Request, type Response } from 'express';

/** A2A 1.0 JSON-RPC methods (sent with `A2A-Version: 1.0`). */
export const A2A_METHODS = [
  'SendMessage',
  'SendStreamingMessage',
  'GetTask',
  'ListTasks',
  'CancelTask',
  'SubscribeToTask',
  'CreateTaskPushNotificationConfig',
  'GetTaskPushNotificationConfig',
  'ListTaskPushNotificationConfigs',
  'DeleteTaskPushNotificationConfig',
  'GetExtendedAgentCard',
];
/** A2A 0.3 JSON-RPC methods (no A2A-Version header, or 0.3). */
export const LEGACY_METHODS = [
  'message/send',
  'message/stream',
  'tasks/get',
  'tasks/cancel',
  'tasks/resubscribe',
  'tasks/pushNotificationConfig/set',
  'tasks/pushNotificationConfig/get',
  'tasks/pushNotificationConfig/list',
  'tasks/pushNotificationConfig/delete',
  'agent/getAuthenticatedExtendedCard',
];
const NO_PARAMS = new Set(['GetExtendedAgentCard', 'agent/getAuthenticatedExtendedCard']);

function rpcError(res: Response, id: unknown, code: number, message: string): void {
  const validId = typeof id === 'string' || typeof id === 'number' ? id : null;
  res.status(200).json({ jsonrpc: '2.0', id: validId, error: { code, message } });
}

const parseJson = express.json({ limit: '4mb' });

/**
 * Checks a JSON-RPC request before the SDK's handler sees it, so a bad one is answered with an
 * error that names the problem (the SDK says only "Invalid method." / "Invalid method
 * parameters."): unparsable JSON, not a JSON-RPC request, an unknown method (or a method of the
 * other protocol version than the A2A-Version header selects), missing params. Good requests pass
 * on untouched (the SDK's own parser sees the body already read and skips).
 */
export function jsonRpcCheck() {
  return [
    parseJson,
    (err: unknown, _req: Request, res: Response, next: NextFunction) => {
      if (err instanceof SyntaxError) {
        rpcError(res, null, -32700, `Parse error: the request body is not valid JSON (${err.message})`);
        return;
      }
      next(err);
    },
    (req: Request, res: Response, next: NextFunction) => {
      const body: unknown = req.body;
      if (body === undefined) return next(); // no JSON body: the SDK answers (content type, empty body)
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        rpcError(res, null, -32600, 'Invalid Request: send one JSON-RPC 2.0 request object (batches are not supported)');
        return;
      }
      const { jsonrpc, method, params, id } = body as Record<string, unknown>;
      if (jsonrpc !== '2.0' || typeof method !== 'string') {
        rpcError(res, id, -32600, 'Invalid Request: a JSON-RPC 2.0 request needs "jsonrpc": "2.0" and a "method" string');
        return;
      }
      const version = req.header('A2A-Version') || '0.3';
      const legacy = version === '0.3';
      const known = legacy ? LEGACY_METHODS : A2A_METHODS;
      if (!known.includes(method)) {
        const other = legacy ? A2A_METHODS.includes(method) : LEGACY_METHODS.includes(method);
        const hint = other
          ? legacy
            ? `${method} is an A2A 1.0 method: send the header A2A-Version: 1.0`
            : `${method} is an A2A 0.3 method: drop the A2A-Version header (or send 0.3), or use the 1.0 names`
          : `A2A ${legacy ? '0.3' : '1.0'} methods: ${known.join(', ')}`;
        rpcError(res, id, -32601, `Method not found: "${method}". ${hint}`);
        return;
      }
      if (!NO_PARAMS.has(method) && (typeof params !== 'object' || params === null || Array.isArray(params))) {
        rpcError(res, id, -32602, `Invalid params: ${method} needs a "params" object${method === 'SendMessage' || method === 'message/send' ? ' with a "message"' : ''}`);
        return;
      }
      next();
    },
  ];
}
