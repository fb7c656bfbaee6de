/**
 * An action proposal: one mutating request, made concrete before anything changes — the MCP
 * write-tool calls that would carry it out, what the API server's dry run said they would do,
 * how far it reaches (blast radius), whether and how it can be undone. The guardian rules on it,
 * a person approves it where the policy says so, and only then does it run. Pure data and
 * pure functions; storing and running live elsewhere.
 */
import type { BlastRadius, ObjectChange, Reversibility } from '../mcp/change.js';

export type ProposalState =
  /** propose mode: recorded, never to run. */
  | 'proposed'
  /** The guardian denied it. */
  | 'denied'
  /** Waiting for a person's approval. */
  | 'pending'
  | 'rejected'
  | 'expired'
  /** Approved (or allowed), about to run. */
  | 'approved'
  /** Running now (the audit holds an `execution` entry for it). */
  | 'executing'
  | 'executed'
  | 'failed'
  /** The process stopped while it ran: the outcome is unknown, and it is never run again. */
  | 'interrupted';

export const FINAL_STATES: readonly ProposalState[] = ['proposed', 'denied', 'rejected', 'expired', 'executed', 'failed', 'interrupted'];

/** One MCP write-tool call of a proposal. Secret values stand as the placeholder until it runs. */
export interface ProposalStep {
  tool: string;
  args: Record<string, unknown>;
  /** The kubectl equivalent a person reads (Secret values as ***). */
  display: string;
}

export type { BlastRadius };

export interface Proposal {
  id: string;
  /** The verb the guardian judges: apply, create, scale, delete, restart, … */
  verb: string;
  /** One line: "apply Deployment nginx, Service nginx in namespace default". */
  summary: string;
  /** The request it came from, Secret values masked. */
  request: string;
  /** Who asked (the A2A caller, the MCP client), and the agent that proposes. */
  requestedBy: string;
  agent: string;
  steps: ProposalStep[];
  /** What the server-side dry run said; `ran: false` when it could not run (then nothing may run either). */
  dryRun: { ran: boolean; summary: string; changes: ObjectChange[]; diff: string; error?: string };
  blastRadius: BlastRadius;
  reversible: boolean;
  /** How to undo it, in words and commands. */
  undo: string;
  createdAt: string;
  /** A pending approval lapses then. */
  expiresAt: string;
}

/** The guardian's word on a proposal. */
export interface ProposalVerdict {
  verdict: 'allow' | 'require-approval' | 'deny';
  reasons: string[];
  rules: string[];
  /** Set when the guardian could not be asked: then nothing runs. */
  error?: string;
}

/**
 * A whole proposal's reach and undo, from its steps' dry runs (each write tool reports its own:
 * the replicas a scale-down removes, the pods a drain evicts, how to take it back).
 */
export function combineAssessments(steps: ReadonlyArray<{ blastRadius?: BlastRadius | undefined; reversibility?: Reversibility | undefined }>): { blastRadius: BlastRadius; reversible: boolean; undo: string } {
  const blastRadius: BlastRadius = { objects: 0, namespaces: [], replicasLost: 0, podsEvicted: 0 };
  const undos: string[] = [];
  let reversible = true;
  for (const step of steps) {
    const r = step.blastRadius;
    if (r) {
      blastRadius.objects += r.objects;
      blastRadius.namespaces = [...new Set([...blastRadius.namespaces, ...r.namespaces])].sort();
      blastRadius.replicasLost += r.replicasLost;
      blastRadius.podsEvicted += r.podsEvicted;
    }
    // A step that cannot say how to undo it is taken as one that cannot be undone.
    if (!step.reversibility?.reversible) reversible = false;
    if (step.reversibility?.undo) undos.push(step.reversibility.undo);
  }
  return { blastRadius, reversible, undo: undos.length ? [...new Set(undos)].join('; ') : 'nothing to undo' };
}

/** What a person reads before deciding: the action, the dry run, the reach, the undo, the verdict. */
export function renderProposal(proposal: Proposal, verdict?: ProposalVerdict, options: { diff?: boolean } = {}): string {
  const r = proposal.blastRadius;
  const reach = [`${r.objects} object${r.objects === 1 ? '' : 's'}`, r.namespaces.length ? `namespace${r.namespaces.length === 1 ? '' : 's'} ${r.namespaces.join(', ')}` : 'cluster-scoped', ...(r.replicasLost ? [`${r.replicasLost} replica${r.replicasLost === 1 ? '' : 's'} lost`] : []), ...(r.podsEvicted ? [`${r.podsEvicted} pod${r.podsEvicted === 1 ? '' : 's'} evicted`] : [])];
  return [
    `Proposal ${proposal.id}: ${proposal.summary}`,
    ...proposal.steps.map((s) => `  $ ${s.display}`),
    '',
    proposal.dryRun.ran ? `Dry run (API server, nothing changed): ${proposal.dryRun.summary}` : `The dry run could not run: ${proposal.dryRun.error ?? 'unknown error'}`,
    ...(proposal.dryRun.diff && options.diff !== false ? ['', proposal.dryRun.diff.length > 6000 ? `${proposal.dryRun.diff.slice(0, 6000)}\n… (diff cut)` : proposal.dryRun.diff] : []),
    '',
    `Blast radius: ${reach.join(', ')}.`,
    `Reversible: ${proposal.reversible ? 'yes' : 'no'} — undo: ${proposal.undo}.`,
    ...(verdict ? [`Guardian: ${verdict.verdict}${verdict.rules.length ? ` (${verdict.rules.join(', ')})` : ''}${verdict.reasons.length ? ` — ${verdict.reasons.join(' ')}` : ''}`] : []),
  ].join('\n');
}
