import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { kubernetesServerFactory } from '../../mcp-servers/kubernetes/index.js';

/** A real SDK client linked in memory to a kubernetes MCP server built with these settings. */
export async function kubernetesClient(kubeconfig: string, env: Record<string, string> = {}): Promise<Client> {
  const config = loadConfig({ env: { K8S_EXPERTS_KUBECONFIG: kubeconfig, ...env }, cwd: '/' });
  const server = kubernetesServerFactory(config, createLogger({ level: 'silent' }), 'test')();
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'test', version: '1' });
  await client.connect(clientSide);
  return client;
}

export async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult & { structuredContent?: Record<string, unknown> }> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult & { structuredContent?: Record<string, unknown> };
}

export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}
