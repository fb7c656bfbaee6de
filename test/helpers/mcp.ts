import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { kubernetesServerFactory } from '../../mcp-servers/kubernetes/index.js';

/** A real SDK client linked in memory to a server (the one-process mode). */
export async function connectInMemory(server: McpServer): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'test', version: '1' });
  await client.connect(clientSide);
  return client;
}

/** Settings as the servers would load them from these environment variables. */
export const testConfig = (env: Record<string, string>) => loadConfig({ env, cwd: '/' });
export const silentLogger = () => createLogger({ level: 'silent' });

/** A kubernetes MCP server built with these settings, and a client on it. */
export function kubernetesClient(kubeconfig: string, env: Record<string, string> = {}): Promise<Client> {
  return connectInMemory(kubernetesServerFactory(testConfig({ K8S_EXPERTS_KUBECONFIG: kubeconfig, ...env }), silentLogger(), 'test')());
}

export async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult & { structuredContent?: Record<string, unknown> }> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult & { structuredContent?: Record<string, unknown> };
}

export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}
