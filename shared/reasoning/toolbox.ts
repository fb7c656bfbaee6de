import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { errorMessage } from '../errors.js';
import type { ToolBox } from './engine.js';

/**
 * An MCP client as the tools an engine may call, optionally only some of the server's. Every call
 * gets its own abort signal linked to the caller's: the MCP client adds an abort listener to each
 * request's signal and never removes it, so many calls on one task's signal would pile listeners
 * up (MaxListenersExceededWarning). The link is removed when the call ends.
 */
export function mcpToolBox(client: Client, only?: readonly string[]): ToolBox {
  const allowed = only ? new Set(only) : undefined;
  return {
    listTools: async () => (await client.listTools()).tools.filter((t) => !allowed || allowed.has(t.name)),
    callTool: async (name, args, signal) => {
      if (allowed && !allowed.has(name)) return { isError: true, content: [{ type: 'text', text: `tool ${name} is not one of this agent's tools` }] };
      if (!signal) return (await client.callTool({ name, arguments: args })) as CallToolResult;
      const own = new AbortController();
      const onAbort = () => own.abort(signal.reason);
      if (signal.aborted) own.abort(signal.reason);
      else signal.addEventListener('abort', onAbort, { once: true });
      try {
        return (await client.callTool({ name, arguments: args }, undefined, { signal: own.signal })) as CallToolResult;
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },
  };
}

/** A tool call as an outcome: the tool's text and structured content, or what went wrong. */
export interface ToolOutcome<T> {
  ok: boolean;
  structured?: T;
  text: string;
}

/**
 * A tool call whose failure is an answer, not an exception: a refusal (RBAC, a missing object) or
 * a server that cannot be reached comes back as `ok: false` with its message. A cancelled caller
 * still throws.
 */
export async function tryTool<T>(tools: ToolBox | undefined, name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<ToolOutcome<T>> {
  if (!tools) return { ok: false, text: 'the kubernetes MCP server is not connected to this agent' };
  try {
    const result = await tools.callTool(name, args, signal);
    const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
    return result.isError ? { ok: false, text } : { ok: true, text, ...(result.structuredContent ? { structured: result.structuredContent as T } : {}) };
  } catch (e) {
    signal?.throwIfAborted();
    return { ok: false, text: errorMessage(e) };
  }
}
