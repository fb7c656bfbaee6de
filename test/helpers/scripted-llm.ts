/**
 * A scripted model endpoint on 127.0.0.1: a real HTTP server that speaks enough of the OpenAI
 * Chat Completions API (`POST /v1/chat/completions`, non-streaming, tools / tool_calls) and of
 * the Ollama API (`POST /api/chat`, non-streaming, tools) for the LLM engine's tests. Each
 * request takes the next step of a script: a reply (text, or tool calls — arguments may be
 * deliberately malformed JSON), an HTTP error, or a delay before a step (to force time-outs).
 * Every request is recorded, so a test can check what the model was sent.
 *
 * This is the project's only test double: it stands in for a paid model API.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedToolCall {
  name: string;
  /** An object, or a raw string sent as is (use it for malformed JSON). */
  arguments: Record<string, unknown> | string;
  id?: string;
}

export type ScriptStep =
  /** A final answer. */
  | { reply: string }
  /** The model asks for tools (with optional text alongside). */
  | { toolCalls: ScriptedToolCall[]; text?: string }
  /** An HTTP error with the API's error body. */
  | { status: number; error?: string; headers?: Record<string, string> }
  /** Waits, then plays `then` (an answer "late" when omitted). A client that gives up first just disconnects. */
  | { delayMs: number; then?: ScriptStep };

export type ScriptedApi = 'openai' | 'ollama';

/** A message as the client sent it; the fields of both APIs. */
export interface RecordedMessage {
  role: string;
  content?: string | null;
  tool_call_id?: string;
  tool_name?: string;
  tool_calls?: Array<{ id?: string; type?: string; function: { name: string; arguments: unknown } }>;
}

export interface RecordedRequest {
  api: ScriptedApi;
  path: string;
  headers: IncomingMessage['headers'];
  body: {
    model?: string;
    stream?: boolean;
    messages?: RecordedMessage[];
    tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: Record<string, unknown> } }>;
    [key: string]: unknown;
  };
  /** Names of the tools offered in this request. */
  toolNames: string[];
  /** The tool-result messages in this request, in order. */
  toolMessages: RecordedMessage[];
  /** Which script step answered it (undefined: none — the script had run out). */
  step: number | undefined;
  /** The client hung up before an answer was sent (it timed out or was cancelled). */
  clientGone: boolean;
}

export interface ScriptedLlmOptions {
  /** When set, a request for another model gets the API's "model not found" 404 (no step used). */
  model?: string;
}

export interface ScriptedLlm {
  /** http://127.0.0.1:PORT — the Ollama host. */
  readonly url: string;
  /** http://127.0.0.1:PORT/v1 — the OpenAI-compatible base URL. */
  readonly openaiBaseUrl: string;
  readonly requests: RecordedRequest[];
  /** Appends steps to the script. */
  push(...steps: ScriptStep[]): void;
  /** Steps not played yet. */
  remaining(): number;
  close(): Promise<void>;
}

export async function startScriptedLlm(script: ScriptStep[] = [], options: ScriptedLlmOptions = {}): Promise<ScriptedLlm> {
  const steps = [...script];
  let played = 0;
  const requests: RecordedRequest[] = [];
  let callIds = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: `scripted-llm failed: ${String(e)}` } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const api: ScriptedApi | undefined =
      req.method === 'POST' && path === '/v1/chat/completions' ? 'openai' : req.method === 'POST' && path === '/api/chat' ? 'ollama' : undefined;
    const raw = await readBody(req);
    if (!api) return sendError(res, path.startsWith('/api/') ? 'ollama' : 'openai', 404, `scripted-llm: no route ${req.method} ${path}`);
    let body: RecordedRequest['body'];
    try {
      body = JSON.parse(raw) as RecordedRequest['body'];
    } catch {
      return sendError(res, api, 400, 'scripted-llm: the request body is not JSON');
    }
    const messages = body.messages ?? [];
    const record: RecordedRequest = {
      api,
      path,
      headers: req.headers,
      body,
      toolNames: (body.tools ?? []).map((t) => t.function.name),
      toolMessages: messages.filter((m) => m.role === 'tool'),
      step: undefined,
      clientGone: false,
    };
    requests.push(record);
    if (body.stream === true) return sendError(res, api, 400, 'scripted-llm: only non-streaming requests are supported');
    if (options.model && body.model !== options.model) {
      return api === 'openai'
        ? sendJson(res, 404, { error: { message: `The model \`${String(body.model)}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', code: 'model_not_found' } })
        : sendJson(res, 404, { error: `model "${String(body.model)}" not found, try pulling it first` });
    }
    const step = steps.shift();
    if (!step) return sendError(res, api, 400, `scripted-llm: the script has no step for request #${requests.length}`);
    record.step = ++played;
    await play(step, api, body, record, res);
  }

  async function play(step: ScriptStep, api: ScriptedApi, body: RecordedRequest['body'], record: RecordedRequest, res: ServerResponse): Promise<void> {
    if ('delayMs' in step) {
      if (await waitOrDisconnect(step.delayMs, res)) {
        record.clientGone = true;
        return;
      }
      return play(step.then ?? { reply: 'late' }, api, body, record, res);
    }
    if ('status' in step) {
      for (const [k, v] of Object.entries(step.headers ?? {})) res.setHeader(k, v);
      return sendError(res, api, step.status, step.error ?? `scripted error ${step.status}`);
    }
    const model = body.model ?? 'scripted';
    const text = 'reply' in step ? step.reply : (step.text ?? '');
    const calls = 'toolCalls' in step ? step.toolCalls : [];
    if (api === 'openai') {
      const toolCalls = calls.map((c) => ({
        id: c.id ?? `call_${++callIds}`,
        type: 'function',
        function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) },
      }));
      return sendJson(res, 200, {
        id: `chatcmpl-${requests.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text || null, refusal: null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
            finish_reason: toolCalls.length > 0 ? 'tool_calls' : 'stop',
            logprobs: null,
          },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      });
    }
    return sendJson(res, 200, {
      model,
      created_at: new Date().toISOString(),
      message: {
        role: 'assistant',
        content: text,
        ...(calls.length > 0 ? { tool_calls: calls.map((c) => ({ function: { name: c.name, arguments: c.arguments } })) } : {}),
      },
      done: true,
      done_reason: 'stop',
      total_duration: 1,
      eval_count: 1,
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    requests,
    push: (...more) => void steps.push(...more),
    remaining: () => steps.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Resolves true when the client disconnected before the delay ran out. */
function waitOrDisconnect(ms: number, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(false);
    }, ms);
    res.once('close', onClose);
  });
}

function sendError(res: ServerResponse, api: ScriptedApi, status: number, message: string): void {
  sendJson(res, status, api === 'openai' ? { error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', code: null } } : { error: message });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
