import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { elicitationAsker, type ToolExtra } from './confirm.js';
import type { WriteCall } from './guard.js';
import type { ToolPolicy } from './policy.js';
import { runTool } from './result.js';
import { withheldTools } from './withheld.js';

/** What a tool body gets besides its arguments. */
export interface ToolCall {
  /** What a write needs for the guardian's path (previewThenRun): the call, its caller, how to ask them. */
  write: WriteCall;
  /** Aborted when the client cancels the call. */
  signal: AbortSignal;
}

/** Who is calling, as the client named itself in its initialize request. */
function clientName(server: McpServer): string {
  const client = server.server.getClientVersion();
  return client ? `${client.name}/${client.version}` : 'unknown MCP client';
}

export interface ToolDefinition<I extends z.ZodRawShape, O extends z.ZodRawShape> {
  title: string;
  description: string;
  inputSchema: I;
  outputSchema: O;
  annotations: ToolAnnotations;
}

/**
 * Registers a tool only when policy exposes it, and checks policy again on every call (a client
 * may call a name it was never shown); a call to a tool policy withheld gets the policy's reason.
 * Failures become `isError` results; the server keeps serving.
 */
export function registerPolicedTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(
  server: McpServer,
  policy: ToolPolicy,
  name: string,
  kind: 'read' | 'write',
  definition: ToolDefinition<I, O>,
  handler: (args: z.infer<z.ZodObject<I>>, call: ToolCall) => Promise<CallToolResult>,
  /** Applied to every result, errors included (e.g. scrubbing Secret values). */
  finish?: (result: CallToolResult, args: z.infer<z.ZodObject<I>>) => Promise<CallToolResult>,
): void {
  const withheld = withheldTools(server);
  if (!policy.exposes(name, kind)) {
    withheld.set(name, () => policy.assertTool(name, kind));
    return;
  }
  const callback = async (args: z.infer<z.ZodObject<I>>, extra: ToolExtra) => {
    const result = await runTool(async () => {
      policy.assertTool(name, kind);
      const write: WriteCall = {
        tool: name,
        args: args as Record<string, unknown>,
        actor: clientName(server),
        execution: policy.execution,
        askRequired: policy.confirmDestructive,
        ask: elicitationAsker(server, extra, policy.execution.approvalTimeoutMs),
      };
      return handler(args, { write, signal: extra.signal });
    });
    return finish ? runTool(() => finish(result, args)) : result;
  };
  server.registerTool(name, definition, callback as unknown as Parameters<McpServer['registerTool']>[2]);
}
