/**
 * An action proposal: one mutating request, made concrete before anything changes — the MCP
 * write-tool calls that would carry it out, what the API server's dry run said they would do,
 * how far it reaches (blast radius), whether and how it can be undone. The guardian rules on it,
 * a person approves it where the policy says so, and only then does it run. Pure data and
 * pure functions; storing and running live elsewhere.
 */
import { objectRef, type ObjectChange } from '../mcp/change.js';

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

export interface BlastRadius {
  /** Objects created, changed or deleted. */
  objects: number;
  namespaces: string[];
  /** Replicas a scale-down removes. */
  replicasLost: number;
  /** Pods a drain evicts or a delete removes, when the dry run names them. */
  podsEvicted: number;
}

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

const DESTROYING = new Set(['deleted', 'evicted']);

/** How far a change reaches, from the dry run's object lines and the steps' arguments. */
export function blastRadiusOf(changes: readonly ObjectChange[], steps: readonly ProposalStep[], currentReplicas?: number): BlastRadius {
  const touched = changes.filter((c) => c.action !== 'unchanged');
  const namespaces = [...new Set(touched.map((c) => c.namespace).filter((n): n is string => !!n))].sort();
  let replicasLost = 0;
  for (const step of steps) {
    const to = step.args.replicas;
    if (step.tool === 'k8s_scale' && typeof to === 'number' && currentReplicas !== undefined && to < currentReplicas) replicasLost += currentReplicas - to;
  }
  const podsEvicted = touched.filter((c) => c.kind === 'Pod' && DESTROYING.has(c.action)).length;
  return { objects: touched.length, namespaces, replicasLost, podsEvicted };
}

/** Whether the change can be taken back, and how: the inverse a person would run. */
export function undoOf(steps: readonly ProposalStep[], changes: readonly ObjectChange[]): { reversible: boolean; undo: string } {
  const undos: string[] = [];
  let reversible = true;
  const created = changes.filter((c) => c.action === 'created');
  const configured = changes.filter((c) => c.action === 'configured');
  for (const step of steps) {
    switch (step.tool) {
      case 'k8s_delete':
      case 'k8s_drain':
      case 'helm_uninstall':
        reversible = false;
        undos.push(step.tool === 'k8s_drain' ? 'evicted pods are not brought back (their controllers recreate them elsewhere); k8s_uncordon the node to take new pods again' : 'not reversible: deleted objects are gone (re-create them from their manifests or a backup)');
        break;
      case 'k8s_scale':
        undos.push(typeof step.args.currentReplicas === 'number' ? `k8s_scale back to ${step.args.currentReplicas} replicas` : 'k8s_scale back to the replicas it had (see the diff)');
        break;
      case 'k8s_rollout_restart':
        undos.push('nothing to undo: a restart replaces pods with identical ones');
        break;
      case 'k8s_rollout_undo':
        undos.push('k8s_rollout_undo again (back to the revision before this one)');
        break;
      case 'k8s_cordon':
        undos.push('k8s_uncordon the node');
        break;
      case 'k8s_uncordon':
        undos.push('k8s_cordon the node');
        break;
      default:
        break;
    }
  }
  if (created.length) undos.push(`delete what was created: ${created.map((c) => `${objectRef(c)}${c.namespace ? ` -n ${c.namespace}` : ''}`).join(', ')}`);
  if (configured.length) undos.push(`re-apply the previous version of ${configured.map((c) => objectRef(c)).join(', ')} (the diff shows it)`);
  return { reversible, undo: undos.length ? [...new Set(undos)].join('; ') : 'nothing changes, nothing to undo' };
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
