/**
 * The approval protocol over A2A. A task that needs a person's yes ends its turn in
 * `input-required`; the status message carries `{ approvalRequest }` (the proposal, the verdict,
 * when it expires, and the two replies ready to send). The caller answers on the same task with
 * a message holding `{ approval: { proposalId, decision, reason?, by? } }` — or plain text
 * ("approve", "reject: too risky") for a person typing into a chat client.
 */
import { z } from 'zod';
import type { Proposal, ProposalVerdict } from './proposal.js';
import { isRecord } from '../records.js';

export const APPROVAL_DECISIONS = ['approve', 'reject'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

const ID = /^[A-Za-z0-9-]{1,100}$/;

export const approvalReplySchema = z
  .object({
    proposalId: z.string().regex(ID, 'a proposal id as the approval request gave it'),
    decision: z.enum(APPROVAL_DECISIONS),
    reason: z.string().max(2000).optional(),
    /** Who decides, as the client names them (recorded in the audit). */
    by: z.string().min(1).max(200).optional(),
  })
  .strict();

export type ApprovalReply = z.infer<typeof approvalReplySchema>;

export interface ApprovalRequest {
  proposalId: string;
  /** The A2A task to answer on. */
  taskId: string;
  contextId: string;
  expiresAt: string;
  verdict: ProposalVerdict;
  proposal: Proposal;
  /** The data parts to send back, ready made. */
  reply: { approve: { approval: ApprovalReply }; reject: { approval: ApprovalReply } };
}

/**
 * What a client relies on in an approval request that came over the wire: the ids it answers
 * with, a readable expiry, and every field renderProposal reads (so a malformed request is
 * "no approval request", never a crash while showing it). Unknown fields pass through.
 */
const approvalRequestSchema = z.looseObject({
  proposalId: z.string().regex(ID),
  taskId: z.string().min(1),
  contextId: z.string(),
  expiresAt: z.string().refine((s) => !Number.isNaN(Date.parse(s))),
  verdict: z.looseObject({ verdict: z.enum(['allow', 'require-approval', 'deny']), reasons: z.array(z.string()), rules: z.array(z.string()) }),
  proposal: z.looseObject({
    id: z.string(),
    summary: z.string(),
    steps: z.array(z.looseObject({ display: z.string() })),
    dryRun: z.looseObject({ ran: z.boolean(), summary: z.string(), diff: z.string(), error: z.string().optional() }),
    blastRadius: z.looseObject({ objects: z.number(), namespaces: z.array(z.string()), replicasLost: z.number(), podsEvicted: z.number() }),
    reversible: z.boolean(),
    undo: z.string(),
  }),
});

/** The approval request in an `input-required` status message's data part, if it holds a well-formed one. */
export function approvalRequestIn(data: unknown): ApprovalRequest | undefined {
  const request = isRecord(data) ? data.approvalRequest : undefined;
  return approvalRequestSchema.safeParse(request).success ? (request as ApprovalRequest) : undefined;
}

export type ParsedReply = { reply: Omit<ApprovalReply, 'proposalId'> & { proposalId?: string } } | { error: string };

// "approve?" or "ok?" asks back, it does not answer: a question mark after the word is no yes.
const APPROVE = /^\s*(approve[ds]?|approval granted|yes|y|ok|okay|lgtm|go ahead|do it|confirm(ed)?)\b(?!\s*\?)[\s.!:,-]*/i;
const REJECT = /^\s*(reject(ed)?|deny|denied|no|n|decline[ds]?|cancel|stop|abort)\b[\s.!:,-]*/i;

/**
 * A person's answer: a data part `{ approval: {...} }` (validated), else the text's first words.
 * Anything else is not an answer (the task stays waiting, and says how to answer).
 */
export function parseApprovalReply(text: string, data: readonly unknown[]): ParsedReply {
  const part = data.find((d): d is { approval: unknown } => isRecord(d) && 'approval' in d);
  if (part) {
    const parsed = approvalReplySchema.safeParse(part.approval);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return { error: `the approval is not valid: approval${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}` };
    }
    return { reply: parsed.data };
  }
  const said = text.slice(0, 2000);
  const reject = REJECT.exec(said);
  if (reject) return { reply: { decision: 'reject', ...(said.slice(reject[0].length).trim() ? { reason: said.slice(reject[0].length).trim() } : {}) } };
  const approve = APPROVE.exec(said);
  if (approve) return { reply: { decision: 'approve', ...(said.slice(approve[0].length).trim() ? { reason: said.slice(approve[0].length).trim() } : {}) } };
  return { error: 'that is not an answer to the approval request' };
}

export const HOW_TO_ANSWER = 'Answer on this task: "approve" or "reject: <reason>", or a data part { "approval": { "proposalId": "…", "decision": "approve" | "reject", "reason": "…" } }.';
