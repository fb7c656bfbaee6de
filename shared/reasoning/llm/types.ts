/**
 * The small internal contract between the LLM engine and a model provider: messages in, one
 * assistant message (text and/or tool calls) out. Providers translate it to their wire format
 * (OpenAI Chat Completions, Ollama /api/chat) and translate their failures into ModelCallError;
 * time-outs, retries and back-off live in one place (retry.ts), not in each provider.
 */

/** A function the model may call: an MCP tool converted to the providers' function format. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

/** A tool call as the model wrote it; `arguments` is raw (a JSON string, or an object for Ollama). */
export interface ModelToolCall {
  id: string;
  name: string;
  arguments: string | Record<string, unknown>;
}

export type ChatMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ModelToolCall[] }
  | { role: 'tool'; toolCallId: string; toolName: string; content: string };

export interface AssistantReply {
  content: string;
  toolCalls: ModelToolCall[];
}

export interface ChatRequest {
  messages: ChatMessage[];
  /** Empty: the model is asked to answer without tools. */
  tools: ToolSpec[];
  /** Aborts this one call (time-out or the caller's cancel). */
  signal: AbortSignal;
}

export interface ChatProvider {
  readonly name: 'openai' | 'ollama';
  /** Where the model is served, for messages a person reads. */
  readonly endpoint: string;
  readonly model: string;
  /** One attempt: no retries here. Throws ModelCallError for anything the endpoint refused. */
  chat(request: ChatRequest): Promise<AssistantReply>;
}

/** A failed model call, normalized across providers. */
export class ModelCallError extends Error {
  override readonly name = 'ModelCallError';
  constructor(
    message: string,
    /** HTTP status, when the endpoint answered. */
    readonly status: number | undefined,
    /** No answer at all (connection refused, reset, DNS). */
    readonly network: boolean,
    /** Seconds from a Retry-After header, when one came. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The system error code (ECONNREFUSED, ENOTFOUND…) somewhere in an error's cause chain. */
export function networkCode(e: unknown): string | undefined {
  let current: unknown = e;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$|^UND_ERR/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
