/**
 * Chat with tools through the `openai` package: api.openai.com or any OpenAI-compatible
 * endpoint (vLLM, llama.cpp server, LM Studio, LiteLLM, Ollama's /v1…). The SDK's own retries
 * are off: retry.ts owns time-outs and retries for every provider.
 */
import OpenAI, { APIConnectionError, APIError } from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { type AssistantReply, type ChatMessage, type ChatProvider, type ChatRequest, ModelCallError, networkCode, type ToolSpec } from '../types.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAiProviderOptions {
  model: string;
  baseUrl?: string | undefined;
  /** A local endpoint usually takes any key; the SDK insists on one, so a placeholder goes out. */
  apiKey?: string | undefined;
  timeoutMs: number;
}

export function createOpenAiProvider(options: OpenAiProviderOptions): ChatProvider {
  const baseURL = (options.baseUrl ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const client = new OpenAI({
    baseURL,
    apiKey: options.apiKey ?? 'no-key',
    maxRetries: 0,
    // Our own AbortSignal ends a call at timeoutMs; the SDK's limit is only a backstop.
    timeout: options.timeoutMs * 2 + 1000,
  });
  return {
    name: 'openai',
    endpoint: baseURL,
    model: options.model,
    async chat(request: ChatRequest): Promise<AssistantReply> {
      try {
        const completion = await client.chat.completions.create(
          {
            model: options.model,
            messages: request.messages.map(toOpenAiMessage),
            ...(request.tools.length > 0 ? { tools: request.tools.map(toOpenAiTool) } : {}),
          },
          { signal: request.signal, maxRetries: 0 },
        );
        const message = completion.choices[0]?.message;
        if (!message) return { content: '', toolCalls: [] };
        const toolCalls = (message.tool_calls ?? []).flatMap((call, i) =>
          call.type === 'function' ? [{ id: call.id || `call_${i}`, name: call.function.name, arguments: call.function.arguments ?? '' }] : [],
        );
        return { content: message.content ?? '', toolCalls };
      } catch (e) {
        throw normalizeError(e);
      }
    },
  };
}

function toOpenAiTool(tool: ToolSpec): ChatCompletionTool {
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } };
}

function toOpenAiMessage(message: ChatMessage): ChatCompletionMessageParam {
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
                id: call.id,
                type: 'function' as const,
                function: { name: call.name, arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments) },
              })),
            }
          : {}),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

function normalizeError(e: unknown): unknown {
  if (e instanceof APIConnectionError) {
    return new ModelCallError(networkCode(e) ?? e.message, undefined, true);
  }
  if (e instanceof APIError && typeof e.status === 'number') {
    const body = e.error as { message?: unknown } | undefined;
    const text = typeof body?.message === 'string' ? body.message : e.message.replace(/^\d{3}\s*/, '');
    const retryAfter = Number(e.headers?.get('retry-after'));
    return new ModelCallError(text, e.status, false, Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined);
  }
  return e;
}
