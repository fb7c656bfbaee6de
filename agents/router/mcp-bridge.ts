/**
 * The crew as an MCP server, for Claude Desktop and IDEs: `list_agents` (who is up and what they
 * can do, from their cards) and `ask` (one question through the router over A2A, progress as
 * MCP logging; a change the router waits to have approved is put to the person through
 * elicitation). It holds no cluster access of its own: everything goes through the agents.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type ApprovalDecision, approvalRequestIn } from '../../shared/execution/approval.js';
import { renderProposal } from '../../shared/execution/proposal.js';
import { runTool, toolResult } from '../../shared/mcp/result.js';
import { renderTable } from '../../shared/table.js';
import { answerCommands, approvalReply, expiryText } from './approval-client.js';
import { canElicit, elicitApproval } from './approval-elicitation.js';
import type { PeerAnswer, PeerClient } from './peer-client.js';
import type { PeerDirectory } from './peers.js';

export interface CrewBridgeDeps {
  client: PeerClient;
  /** The specialists (and any other platform's agents) the router routes to. */
  directory: PeerDirectory;
  routerUrl: string;
  timeoutMs: number;
}

export function createCrewMcpServer(deps: CrewBridgeDeps, version: string): McpServer {
  const server = new McpServer({ name: 'k8s-experts-crew', version }, { capabilities: { logging: {} }, instructions: 'The k8s-experts crew: ask any question about the Kubernetes cluster with `ask`; `list_agents` shows the specialists and their skills. Answers name the agents that contributed. A change the crew may run is put to you for approval first.' });

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

  // Honest hints: with approvals a question can end in a change to the cluster ("scale web to
  // 1"), deletes included, so `ask` is neither read-only nor idempotent. Nothing changes without
  // the guardian's verdict and, where policy says so, the yes of the person asked through
  // elicitation in this very call; a read-only hint would let a client run it unasked.
  server.registerTool(
    'ask',
    {
      title: 'Ask the crew',
      description:
        'Ask any question about the cluster (status, logs, why something fails, metrics, security, manifests, upgrades, whether an action is safe), or ask for a change. The router picks the specialist; the answer names who answered. A change that needs approval is shown to you (dry run, blast radius, undo, guardian verdict) and runs only if you approve it.',
      inputSchema: { question: z.string().trim().min(1).max(2_000).describe('e.g. "Why is payments-api failing?"') },
      outputSchema: {
        answer: z.string(),
        agents: z.array(z.string()),
        outcome: z.string(),
        approval: z
          .object({ proposalId: z.string(), taskId: z.string(), expiresAt: z.string(), decision: z.enum(['approve', 'reject']).nullable(), reason: z.string().nullable() })
          .optional()
          .describe('the approval the router asked for: decision null while it is pending'),
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    async ({ question }, extra) =>
      runTool(async () => {
        const card = await deps.client.card(deps.routerUrl);
        const onProgress = (text: string) => void server.sendLoggingMessage({ level: 'info', logger: 'crew', data: text }, extra.sessionId).catch(() => undefined);
        const first = await deps.client.ask('router', card, { text: question }, { timeoutMs: deps.timeoutMs, signal: extra.signal, onProgress });
        if (first.outcome !== 'input-required') return finalAnswer(first);
        const approval = approvalRequestIn(first.data);
        const taskId = first.taskId ?? approval?.taskId ?? 'unknown';
        if (!approval) {
          const text = `The router asks: ${first.text}\n\nTask ${taskId} waits for that answer; this tool cannot send it (answer on the task with an A2A client, or ask again with the missing detail in the question).`;
          return toolResult(text, { answer: text, agents: [], outcome: first.outcome });
        }
        const pending = { proposalId: approval.proposalId, taskId, expiresAt: approval.expiresAt };
        if (!canElicit(server)) {
          const text = [
            renderProposal(approval.proposal, approval.verdict),
            '',
            `The approval is pending: nothing runs until someone answers (this request ${expiryText(approval)}). This MCP client cannot ask you (it declares no elicitation capability); answer from a shell:`,
            ...answerCommands(taskId, ` --url ${deps.routerUrl}`).map((c) => `  ${c}`),
          ].join('\n');
          return toolResult(text, { answer: text, agents: [], outcome: first.outcome, approval: { ...pending, decision: null, reason: null } });
        }
        const decided = await elicitApproval(extra, approval);
        const reply = approvalReply({ ...approval, taskId, contextId: first.contextId ?? approval.contextId }, decided.decision, decided.reason, byClient(server));
        // A no is delivered even when the call was cancelled, so the router stops waiting for it.
        const signal = decided.decision === 'approve' ? extra.signal : undefined;
        const outcome = await deps.client.ask('router', card, reply, { timeoutMs: deps.timeoutMs, signal, onProgress });
        return finalAnswer(outcome, { ...pending, decision: decided.decision, reason: decided.reason ?? null });
      }),
  );
  return server;
}

/** Who decided, as far as the bridge knows: the MCP client the person used. */
function byClient(server: McpServer): string {
  return `MCP client ${server.server.getClientVersion()?.name ?? 'unknown'}`.slice(0, 200);
}

type ApprovalOutput = { proposalId: string; taskId: string; expiresAt: string; decision: ApprovalDecision | null; reason: string | null };

/** The router's last word as the tool's result; anything but a completed task is an error the model can read. */
function finalAnswer(answer: PeerAnswer, approval?: ApprovalOutput): CallToolResult {
  const agents = ((answer.data as { agents?: unknown[] } | undefined)?.agents ?? []).filter((a): a is string => typeof a === 'string');
  if (answer.outcome === 'input-required' && approval) return { isError: true, content: [{ type: 'text' as const, text: `the router did not take the ${approval.decision ?? 'answer'}: ${answer.text}` }] };
  if (answer.outcome !== 'completed') return { isError: true, content: [{ type: 'text' as const, text: `the router did not answer (${answer.outcome}${answer.error ? `: ${answer.error}` : ''}). Is \`k8s-experts start\` running?` }] };
  return toolResult(answer.text, { answer: answer.text, agents, outcome: answer.outcome, ...(approval ? { approval } : {}) });
}
