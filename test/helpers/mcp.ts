import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { type CallToolResult, type ElicitRequest, ElicitRequestSchema, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { kubernetesServerFactory } from '../../mcp-servers/kubernetes/index.js';

/** How a test client answers a confirmation request; every request it saw is kept in `asked`. */
export interface Elicitor {
  answer: (request: ElicitRequest['params']) => ElicitResult;
  asked: Array<ElicitRequest['params']>;
}

/** An elicitor that answers every request the same way: confirm, decline, or accept without ticking. */
export function elicitor(reply: 'confirm' | 'decline' | 'cancel' | 'unticked'): Elicitor {
  const asked: Array<ElicitRequest['params']> = [];
  return {
    asked,
    answer: (request) => {
      asked.push(request);
      if (reply === 'confirm') return { action: 'accept', content: { confirm: true } };
      if (reply === 'unticked') return { action: 'accept', content: { confirm: false } };
      return { action: reply };
    },
  };
}

/** A real SDK client; with an elicitor it declares elicitation and answers through it. */
export function newClient(elicit?: Elicitor): Client {
  const client = new Client({ name: 'test', version: '1' }, elicit ? { capabilities: { elicitation: { form: {} } } } : {});
  if (elicit) client.setRequestHandler(ElicitRequestSchema, (request) => elicit.answer(request.params));
  return client;
}

/** A real SDK client linked in memory to a server (the one-process mode). */
export async function connectInMemory(server: McpServer, elicit?: Elicitor): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = newClient(elicit);
  await client.connect(clientSide);
  return client;
}

/** Settings as the servers would load them from these environment variables. */
export const testConfig = (env: Record<string, string>) => loadConfig({ env, cwd: '/' });
export const silentLogger = () => createLogger({ level: 'silent' });

/** A kubernetes MCP server built with these settings, and a client on it. */
export function kubernetesClient(kubeconfig: string, env: Record<string, string> = {}, elicit?: Elicitor): Promise<Client> {
  return connectInMemory(kubernetesServerFactory(testConfig({ K8S_EXPERTS_KUBECONFIG: kubeconfig, ...env }), silentLogger(), 'test')(), elicit);
}

export async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult & { structuredContent?: Record<string, unknown> }> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult & { structuredContent?: Record<string, unknown> };
}

export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}
