/**
 * The crew as an MCP server, for Claude Desktop and IDEs: `list_agents` (who is up and what they
 * can do, from their cards) and `ask` (one question through the router over A2A, progress as
 * MCP logging). It holds no cluster access of its own: everything goes through the agents.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { runTool, toolResult } from '../../shared/mcp/result.js';
import { renderTable } from '../../shared/table.js';
import type { PeerClient } from './peer-client.js';
import type { PeerDirectory } from './peers.js';

export interface CrewBridgeDeps {
  client: PeerClient;
  /** The specialists (and any other platform's agents) the router routes to. */
  directory: PeerDirectory;
  routerUrl: string;
  timeoutMs: number;
}

export function createCrewMcpServer(deps: CrewBridgeDeps, version: string): McpServer {
  const server = new McpServer({ name: 'k8s-experts-crew', version }, { capabilities: { logging: {} }, instructions: 'The k8s-experts crew: ask any question about the Kubernetes cluster with `ask`; `list_agents` shows the specialists and their skills. Answers name the agents that contributed.' });

  server.registerTool(
    'list_agents',
    {
      title: 'List the crew',
      description: 'The specialists the router can ask (ops, observability, security, dev, admin, guardian and configured peers): whether each is up and its skills.',
      inputSchema: {},
      outputSchema: { agents: z.array(z.object({ agent: z.string(), url: z.string(), up: z.boolean(), error: z.string().nullable(), skills: z.array(z.object({ id: z.string(), name: z.string(), examples: z.array(z.string()) })) })) },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async () =>
      runTool(async () => {
        const peers = await deps.directory.refresh();
        const agents = peers.map((p) => ({ agent: p.agent, url: p.url, up: p.up, error: p.lastError ?? null, skills: (p.card?.skills ?? []).map((s) => ({ id: s.id, name: s.name, examples: s.examples.slice(0, 2) })) }));
        const text = renderTable(['Agent', 'Up', 'Skills'], agents.map((a) => [a.agent, a.up ? 'yes' : `no (${a.error})`, a.skills.map((s) => s.id).join(', ')]));
        return toolResult(text, { agents });
      }),
  );

  server.registerTool(
    'ask',
    {
      title: 'Ask the crew',
      description: 'Ask any question about the cluster (status, logs, why something fails, metrics, security, manifests, upgrades, whether an action is safe). The router picks the specialist; the answer names who answered.',
      inputSchema: { question: z.string().trim().min(1).max(2_000).describe('e.g. "Why is payments-api failing?"') },
      outputSchema: { answer: z.string(), agents: z.array(z.string()), outcome: z.string() },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ question }, extra) =>
      runTool(async () => {
        const card = await deps.client.card(deps.routerUrl);
        const answer = await deps.client.ask('router', card, { text: question }, {
          timeoutMs: deps.timeoutMs,
          signal: extra.signal,
          onProgress: (text) => void server.sendLoggingMessage({ level: 'info', logger: 'crew', data: text }, extra.sessionId).catch(() => undefined),
        });
        const agents = ((answer.data as { agents?: string[] } | undefined)?.agents ?? []).filter((a): a is string => typeof a === 'string');
        if (answer.outcome !== 'completed') return { isError: true, content: [{ type: 'text' as const, text: `the router did not answer (${answer.outcome}${answer.error ? `: ${answer.error}` : ''}). Is \`k8s-experts start\` running?` }] };
        return toolResult(answer.text, { answer: answer.text, agents, outcome: answer.outcome });
      }),
  );
  return server;
}
