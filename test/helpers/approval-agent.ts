import type { AgentDefinition } from '../../shared/a2a/agent.js';
import { type ApprovalReply, type ApprovalRequest, HOW_TO_ANSWER, parseApprovalReply } from '../../shared/execution/approval.js';
import type { Proposal, ProposalVerdict } from '../../shared/execution/proposal.js';

/** One answer the agent received on a waiting task, as it parsed it. */
export interface ReceivedAnswer {
  taskId: string;
  reply: Omit<ApprovalReply, 'proposalId'> & { proposalId?: string };
}

export interface ApprovalAgent {
  definition: AgentDefinition;
  /** Every approval answer it accepted, in order. */
  answers: ReceivedAnswer[];
  /** The approval request it sent on a task. */
  requests: Map<string, ApprovalRequest>;
}

const VERDICT: ProposalVerdict = { verdict: 'require-approval', reasons: ['scaling down a Deployment removes replicas that serve traffic.'], rules: ['scale-down-needs-approval'] };

function proposalFor(id: string, request: string, expiresAt: string): Proposal {
  return {
    id,
    verb: 'scale',
    summary: 'scale Deployment web in namespace shop to 1 replica',
    request,
    requestedBy: 'test',
    agent: 'router',
    steps: [{ tool: 'k8s_scale', args: { kind: 'Deployment', name: 'web', namespace: 'shop', replicas: 1, currentReplicas: 3 }, display: 'kubectl scale deployment/web -n shop --replicas=1' }],
    dryRun: { ran: true, summary: 'deployment.apps/web scaled (server dry run)', changes: [{ kind: 'Deployment', apiVersion: 'apps/v1', name: 'web', namespace: 'shop', action: 'scaled' }], diff: '-  replicas: 3\n+  replicas: 1' },
    blastRadius: { objects: 1, namespaces: ['shop'], replicasLost: 2, podsEvicted: 0 },
    reversible: true,
    undo: 'k8s_scale back to 3 replicas',
    createdAt: new Date().toISOString(),
    expiresAt,
  };
}

/**
 * A router stand-in that speaks the approval protocol of shared/execution/approval.ts over real
 * A2A: the first turn ends `input-required` with an approvalRequest; an approval completes
 * "executed", a rejection "rejected: <reason>", an answer after the expiry "expired", an
 * unparsable answer leaves it waiting with a hint. "expired …" asks with an expiry already past,
 * "soon …" with one 1.5 s away;
 * "question …" asks a plain question (no approvalRequest) and completes "answered: <text>".
 */
export function approvalAgent(): ApprovalAgent {
  const answers: ReceivedAnswer[] = [];
  const requests = new Map<string, ApprovalRequest>();
  let proposals = 0;
  const definition: AgentDefinition = {
    name: 'router',
    mcpServers: [],
    handler: async ({ request, taskId, contextId, text, data }) => {
      if (!request.task) {
        if (text.startsWith('question')) return { text: 'Which namespace do you mean?', inputRequired: true };
        const proposalId = `p-${++proposals}-${taskId.slice(0, 8)}`;
        const expiresAt = new Date(Date.now() + (text.startsWith('expired') ? -60_000 : text.startsWith('soon') ? 1_500 : 600_000)).toISOString();
        const approvalRequest: ApprovalRequest = {
          proposalId,
          taskId,
          contextId,
          expiresAt,
          verdict: VERDICT,
          proposal: proposalFor(proposalId, text, expiresAt),
          reply: { approve: { approval: { proposalId, decision: 'approve' } }, reject: { approval: { proposalId, decision: 'reject', reason: '…' } } },
        };
        requests.set(taskId, approvalRequest);
        return { text: `Approval needed: ${approvalRequest.proposal.summary}. ${HOW_TO_ANSWER}`, data: { approvalRequest }, inputRequired: true };
      }
      const asked = requests.get(taskId);
      if (!asked) return { text: `answered: ${text}` };
      const parsed = parseApprovalReply(text, data);
      if ('error' in parsed || (parsed.reply.proposalId !== undefined && parsed.reply.proposalId !== asked.proposalId)) {
        return { text: `${'error' in parsed ? parsed.error : `that answers another proposal (${parsed.reply.proposalId})`}. ${HOW_TO_ANSWER}`, data: { approvalRequest: asked }, inputRequired: true };
      }
      answers.push({ taskId, reply: parsed.reply });
      if (Date.parse(asked.expiresAt) <= Date.now()) return { text: 'expired', data: { state: 'expired' } };
      if (parsed.reply.decision === 'approve') return { text: 'executed', data: { state: 'executed', by: parsed.reply.by ?? null } };
      return { text: `rejected: ${parsed.reply.reason ?? ''}`, data: { state: 'rejected', by: parsed.reply.by ?? null } };
    },
  };
  return { definition, answers, requests };
}
