/**
 * The client side of the approval protocol (shared/execution/approval.ts), for the CLI and the
 * crew MCP bridge: the reply to send on the waiting task, the expiry in words, how to answer
 * later, and reading a waiting task back from the router (A2A GetTask).
 */
import { type AgentCard, type Task, TaskState } from '@a2a-js/sdk';
import { ClientFactory, ClientFactoryOptions, JsonRpcTransportFactory, RestTransportFactory } from '@a2a-js/sdk/client';
import { TaskNotFoundError } from '@a2a-js/sdk/errors';
import { messageData, messageText } from '../../shared/a2a/parts.js';
import { UserError } from '../../shared/errors.js';
import { type ApprovalDecision, type ApprovalReply, type ApprovalRequest, approvalReplySchema } from '../../shared/execution/approval.js';
import type { PeerRequest } from './peer-client.js';

/** The router says a rejection without a reason is still recorded; this is what the terminal gives. */
export const TERMINAL_REJECT_REASON = 'rejected on the terminal';

/**
 * The message that answers an approval request on its own task: the data part the router
 * validates, and the words ("approve", "reject: too risky") a chat log shows. Validated here so
 * a reason that is too long fails before it leaves, naming the limit.
 */
export function approvalReply(request: Pick<ApprovalRequest, 'proposalId' | 'taskId' | 'contextId'>, decision: ApprovalDecision, reason?: string, by?: string): PeerRequest & { data: { approval: ApprovalReply } } {
  const parsed = approvalReplySchema.safeParse({ proposalId: request.proposalId, decision, ...(reason ? { reason } : {}), ...(by ? { by } : {}) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? 'approval');
    throw new UserError(`the ${field} cannot be sent: ${issue.message}`, field === 'reason' ? 'give a reason of at most 2000 characters' : field === 'by' ? 'give --by a name of 1 to 200 characters' : 'answer the approval request the router printed');
  }
  const text = decision === 'approve' ? `approve${reason ? `: ${reason}` : ''}` : `reject${reason ? `: ${reason}` : ''}`;
  return { text, data: { approval: parsed.data }, taskId: request.taskId, contextId: request.contextId };
}

function span(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

export function isExpired(request: Pick<ApprovalRequest, 'expiresAt'>, now = Date.now()): boolean {
  return Date.parse(request.expiresAt) <= now;
}

/** "expires at 2026-11-02T10:15:00.000Z (in 9 min)" or "expired at … (3 min ago)". */
export function expiryText(request: Pick<ApprovalRequest, 'expiresAt'>, now = Date.now()): string {
  const left = Date.parse(request.expiresAt) - now;
  return left > 0 ? `expires at ${request.expiresAt} (in ${span(left)})` : `expired at ${request.expiresAt} (${span(left)} ago)`;
}

/** The commands that answer a waiting approval later, from any shell that reaches the router. */
export function answerCommands(taskId: string, urlOption = ''): string[] {
  return [`k8s-experts approve ${taskId}${urlOption}`, `k8s-experts reject ${taskId}${urlOption} --reason "…"`];
}

/** "completed", "input-required", … as A2A 0.3 and people spell the states. */
export function taskStateName(state: TaskState | undefined): string {
  const name = state === undefined ? undefined : TaskState[state];
  return name ? name.replace(/^TASK_STATE_/, '').toLowerCase().replace(/_/g, '-') : 'unknown';
}

/** What a waiting task's status message says and carries (the approval request sits in its data part). */
export function statusOf(task: Task): { state: string; text: string; data: unknown } {
  return { state: taskStateName(task.status?.state), text: messageText(task.status?.message), data: messageData(task.status?.message)[0] };
}

function authFetch(token: string | undefined): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    if (token) headers.set('Authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
}

/** One task as the agent stores it (GetTask, no history); undefined when the agent has no such task. */
export async function fetchTask(card: AgentCard, taskId: string, token?: string): Promise<Task | undefined> {
  const fetchImpl = authFetch(token);
  const factory = new ClientFactory(ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { transports: [new JsonRpcTransportFactory({ fetchImpl }), new RestTransportFactory({ fetchImpl })] }));
  const client = await factory.createFromAgentCard(card);
  try {
    return await client.getTask({ tenant: '', id: taskId, historyLength: 0 });
  } catch (e) {
    if (e instanceof TaskNotFoundError) return undefined;
    throw e;
  }
}
