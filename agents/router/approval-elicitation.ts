/**
 * A router's approval request put to the person behind an MCP client, through elicitation on the
 * tool call that led to it. Only a ticked "approve" is a yes: declining, cancelling, leaving it
 * unticked, a client error and no answer before the request expires are all a no, with a reason
 * that says which, so the router records what happened.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { type ElicitResult, ElicitResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { errorMessage } from '../../shared/errors.js';
import type { ApprovalDecision, ApprovalRequest } from '../../shared/execution/approval.js';
import { renderProposal } from '../../shared/execution/proposal.js';
import type { ToolExtra } from '../../shared/mcp/confirm.js';
import { expiryText } from './approval-client.js';

export interface ElicitedDecision {
  decision: ApprovalDecision;
  reason: string | undefined;
  /** How the person answered: approved, declined, cancelled, unticked, no answer. */
  how: 'approved' | 'declined' | 'cancelled' | 'unticked' | 'no answer';
}

const MAX_MESSAGE_CHARS = 10_000;
const MAX_REASON_CHARS = 2_000;
/** Never wait past the request's expiry (the router would refuse the answer), nor less than this. */
const MIN_WAIT_MS = 1_000;

const APPROVAL_SCHEMA = {
  type: 'object' as const,
  properties: {
    approve: { type: 'boolean' as const, title: 'Approve this change', description: 'Tick to let it run; anything else rejects it and nothing changes', default: false },
    reason: { type: 'string' as const, title: 'Reason', description: 'Why (recorded in the audit)', maxLength: MAX_REASON_CHARS },
  },
  required: ['approve'],
};

/** What the person reads: the proposal with the guardian's verdict, and until when it can be approved. */
export function approvalMessage(request: ApprovalRequest): string {
  const shown = renderProposal(request.proposal, request.verdict);
  const body = shown.length > MAX_MESSAGE_CHARS ? `${shown.slice(0, MAX_MESSAGE_CHARS)}\n… (cut)` : shown;
  return `Approve this change?\n\n${body}\n\nThis request ${expiryText(request)}. Nothing runs unless you tick "approve".`;
}

export function canElicit(server: McpServer): boolean {
  return Boolean(server.server.getClientCapabilities()?.elicitation);
}

/** Asks on the tool call's own request; never throws (no answer is a no). */
export async function elicitApproval(extra: ToolExtra, request: ApprovalRequest): Promise<ElicitedDecision> {
  const timeout = Math.max(MIN_WAIT_MS, Date.parse(request.expiresAt) - Date.now());
  let result: ElicitResult;
  try {
    result = await extra.sendRequest({ method: 'elicitation/create', params: { mode: 'form', message: approvalMessage(request), requestedSchema: APPROVAL_SCHEMA } }, ElicitResultSchema, { timeout, signal: extra.signal });
  } catch (e) {
    return { decision: 'reject', how: 'no answer', reason: `no answer in the MCP client (${errorMessage(e)})`.slice(0, MAX_REASON_CHARS) };
  }
  const said = result.action === 'accept' && typeof result.content?.reason === 'string' ? result.content.reason.trim() : '';
  if (result.action === 'accept' && result.content?.approve === true) return { decision: 'approve', how: 'approved', reason: said ? said.slice(0, MAX_REASON_CHARS) : undefined };
  const how = result.action === 'accept' ? 'unticked' : result.action === 'decline' ? 'declined' : 'cancelled';
  const words = how === 'unticked' ? 'accepted without ticking approve in the MCP client' : `${how} in the MCP client`;
  return { decision: 'reject', how, reason: (said ? `${words}: ${said}` : words).slice(0, MAX_REASON_CHARS) };
}
