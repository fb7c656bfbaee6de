import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolBox } from './engine.js';

/** An MCP client as the tools an engine may call, optionally only some of the server's. */
export function mcpToolBox(client: Client, only?: readonly string[]): ToolBox {
  const allowed = only ? new Set(only) : undefined;
  return {
    listTools: async () => (await client.listTools()).tools.filter((t) => !allowed || allowed.has(t.name)),
    callTool: async (name, args, signal) => {
      if (allowed && !allowed.has(name)) return { isError: true, content: [{ type: 'text', text: `tool ${name} is not one of this agent's tools` }] };
      return (await client.callTool({ name, arguments: args }, undefined, signal ? { signal } : undefined)) as CallToolResult;
    },
  };
}
