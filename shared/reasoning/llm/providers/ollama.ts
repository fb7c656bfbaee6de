/**
 * Chat with tools through the `ollama` package (an Ollama server, `host` = llm.baseUrl). The
 * package does not pass an AbortSignal for non-streaming calls, so each call goes through a
 * fetch that carries the call's own signal.
 */
import { Ollama, type Message, type Tool } from 'ollama';
import { type AssistantReply, type ChatMessage, type ChatProvider, type ChatRequest, ModelCallError, networkCode, type ToolSpec } from '../types.js';

export const OLLAMA_DEFAULT_HOST = 'http://127.0.0.1:11434';

export interface OllamaProviderOptions {
  model: string;
  baseUrl?: string | undefined;
  /** Sent as a bearer token (ollama.com, or a proxy in front of a server). */
  apiKey?: string | undefined;
}

export function createOllamaProvider(options: OllamaProviderOptions): ChatProvider {
  const host = (options.baseUrl ?? OLLAMA_DEFAULT_HOST).replace(/\/+$/, '');
  const headers: Record<string, string> = options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {};
  return {
    name: 'ollama',
    endpoint: host,
    model: options.model,
    async chat(request: ChatRequest): Promise<AssistantReply> {
      const client = new Ollama({
        host,
        headers,
        fetch: (input, init) => globalThis.fetch(input, { ...init, signal: request.signal }),
      });
      try {
        const response = await client.chat({
          model: options.model,
          stream: false,
          messages: request.messages.map(toOllamaMessage),
          ...(request.tools.length > 0 ? { tools: request.tools.map(toOllamaTool) } : {}),
        });
        const message = response.message;
        const toolCalls = (message?.tool_calls ?? []).map((call, i) => ({
          id: `call_${i}`,
          name: call.function?.name ?? '',
          arguments: call.function?.arguments as string | Record<string, unknown>,
        }));
        return { content: message?.content ?? '', toolCalls };
      } catch (e) {
        throw normalizeError(e, request.signal);
      }
    },
  };
}

function toOllamaTool(tool: ToolSpec): Tool {
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters as Tool['function']['parameters'] } };
}

function toOllamaMessage(message: ChatMessage): Message {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content,
        ...(message.toolCalls && message.toolCalls.length > 0
          ? {
              tool_calls: message.toolCalls.map((call) => ({
                function: { name: call.name, arguments: typeof call.arguments === 'string' ? parseOr(call.arguments) : call.arguments },
              })),
            }
          : {}),
      };
    case 'tool':
      return { role: 'tool', content: message.content, tool_name: message.toolName };
  }
}

function parseOr(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function normalizeError(e: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return e;
  if (e instanceof Error && 'status_code' in e && typeof e.status_code === 'number') {
    return new ModelCallError(e.message, e.status_code, false);
  }
  if (e instanceof TypeError) {
    // undici: "fetch failed" with the system error as its cause.
    return new ModelCallError(networkCode(e) ?? e.message, undefined, true);
  }
  return e;
}
