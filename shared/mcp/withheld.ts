import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { runTool } from './result.js';

/** For each tool policy keeps off a server: the policy check that explains why (it throws). */
export type WithheldTools = Map<string, () => void>;

const withheldByServer = new WeakMap<McpServer, WithheldTools>();

/**
 * The tools a server leaves unregistered by policy (write tools on a read-only server, tools off
 * the allow list). The SDK would answer a call to one with a bare "Tool X not found"; a client
 * that knows the name from elsewhere (a prompt, another server's list) learns the policy's own
 * reason instead, naming the setting that would change it.
 *
 * McpServer installs its tools/call handler through `server.server.setRequestHandler` when its
 * first tool is registered, so this wraps that method on first use — registerPolicedTool calls it
 * before it registers anything. Calls to every other name reach McpServer untouched.
 */
export function withheldTools(server: McpServer): WithheldTools {
  const known = withheldByServer.get(server);
  if (known) return known;
  const withheld: WithheldTools = new Map();
  withheldByServer.set(server, withheld);
  const low = server.server;
  const setRequestHandler = low.setRequestHandler.bind(low);
  const wrapped: typeof setRequestHandler = (schema, handler) => {
    // McpServer passes the SDK's own CallToolRequestSchema object (one module, one instance).
    if ((schema as unknown) !== CallToolRequestSchema) return setRequestHandler(schema, handler);
    return setRequestHandler(schema, (request, extra) => {
      const explain = withheld.get((request as { params: { name: string } }).params.name);
      if (!explain) return handler(request, extra);
      return runTool(async () => {
        explain();
        throw new Error('unreachable: a withheld tool\'s policy check always refuses');
      });
    });
  };
  low.setRequestHandler = wrapped;
  return withheld;
}
