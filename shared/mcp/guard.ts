/**
 * The one path every write tool takes (kubernetes and helm alike): a server-side dry run, the
 * guardian's verdict on it, a person's approval where the policy or the change asks for one,
 * then the change — each step recorded in the audit log under one proposal id. What is judged
 * and approved is what the server said would happen.
 */
import { randomUUID } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AuditAction } from '../audit/log.js';
import type { ClusterAccess } from '../cluster-access.js';
import { errorMessage, isUserError, UserError } from '../errors.js';
import { KubeApiError } from '../kube-http.js';
import { type ClusterFacts, judge, type ProposedAction } from '../policy/judge.js';
import { type BlastRadius, type ChangeReport, type GuardianVerdict, objectRef, type Reversibility, renderAssessment, renderChangeReport } from './change.js';
import { namespaceLabels, namespacesOf } from './cluster-facts.js';
import { type AskPerson, type ConfirmRequest, describeAnswer, notConfirmed } from './confirm.js';
import type { ExecutionSettings } from './policy.js';
import { toolResult } from './result.js';

/** What the guardian's path needs from the call itself: who calls, with what, and how to ask them. */
export interface WriteCall {
  tool: string;
  args: Record<string, unknown>;
  /** The MCP client as it introduced itself ("claude-desktop/0.9.2"): who asked, for the audit. */
  actor: string;
  execution: ExecutionSettings;
  /** Whether a person must answer (mcp.confirmDestructive); off: another layer approved already. */
  askRequired: boolean;
  ask: AskPerson;
}

/** What a dry run (or the run) reports, before the guardian's assessment is added. */
export type ChangePreview = Pick<ChangeReport, 'summary' | 'changes' | 'diff'>;

/** The guardian's assessment a write's result carries. */
export interface Assessment {
  guardian: GuardianVerdict;
  blastRadius: BlastRadius;
  reversibility: Reversibility;
  executionMode: ExecutionSettings['mode'];
}

export type AssessedReport<P extends ChangePreview> = P & Assessment & { dryRun: boolean };

export interface GuardedWrite<P extends ChangePreview> {
  /** The caller asked only for a preview. */
  dryRun: boolean;
  /** One line for the question, the audit subject and errors: "delete deployment.apps/web -n shop"; from the dry run when it names what the arguments do not. */
  action: string | ((preview: P) => string);
  /** Where namespace labels are read for the policy. */
  cluster: { access: ClusterAccess; context: string | undefined };
  /** The action the guardian judges, from the arguments and what the dry run showed. */
  proposal: (preview: P) => ProposedAction;
  /** Facts the tool already read (the replicas a scale starts from); namespace labels are read here. */
  facts?: Pick<ClusterFacts, 'currentReplicas'> | undefined;
  /** Whether the change needs a person's yes even when the guardian allows it (destructive, overwriting). */
  needsConfirmation: (preview: P) => boolean;
  /** The server-side dry run. */
  preview: () => Promise<P>;
  /** The change itself, once everything allowed it. */
  run: (preview: P) => Promise<P>;
  /** Reach the object lines do not show: replicas a scale-down removes, pods a delete or drain takes. */
  reach?: (preview: P) => Partial<Pick<BlastRadius, 'replicasLost' | 'podsEvicted'>>;
  reversibility: (preview: P) => Reversibility;
  /** What the person reads under the guardian's lines (Secret values masked); default: the rendered dry run. */
  details?: (preview: P) => string;
  /** The arguments as the audit records them (default: as called), e.g. a manifest parsed so its Secrets are masked by structure. */
  auditArguments?: (preview: P) => unknown;
  /** The tool's result; default: the change report as text and structured content. */
  result?: (report: AssessedReport<P>) => CallToolResult;
}

/** Object lines that say the object stays as it is. */
const UNTOUCHED = /^(unchanged|kept|already|skipped|left|eviction refused|not evicted)/;

/** How far a change reaches: the objects the dry run says it touches, and what the tool adds. */
export function blastRadiusOf(preview: ChangePreview, extra: Partial<Pick<BlastRadius, 'replicasLost' | 'podsEvicted'>> = {}): BlastRadius {
  const touched = preview.changes.filter((c) => !UNTOUCHED.test(c.action));
  const namespaces = [...new Set(touched.map((c) => c.namespace).filter((n): n is string => !!n))].sort();
  const podsDeleted = touched.filter((c) => c.kind === 'Pod' && /^(deleted|evicted)/.test(c.action)).length;
  return { objects: touched.length, namespaces, replicasLost: extra.replicasLost ?? 0, podsEvicted: extra.podsEvicted ?? podsDeleted };
}

/** The change report as text and structured content, without a tool's private fields. */
export function changeResult(report: AssessedReport<ChangePreview>): CallToolResult {
  const { dryRun, summary, changes, diff, guardian, blastRadius, reversibility, executionMode } = report;
  const shown: ChangeReport = { dryRun, summary, changes, diff, guardian, blastRadius, reversibility, executionMode };
  return toolResult(renderChangeReport(shown), { ...shown });
}

/** Appends the entries of one write call, tied together by one proposal id; a no-op without an audit log. */
class AuditTrail {
  readonly proposalId = randomUUID();

  constructor(
    private readonly call: WriteCall,
    private readonly subject: string,
    private readonly scrub: (data: unknown) => Promise<unknown>,
  ) {}

  async append(action: AuditAction, outcome: string, reason: string, data: Record<string, unknown> = {}): Promise<void> {
    const audit = this.call.execution.audit;
    if (!audit) return;
    const record = await this.scrub({ reason, data: { proposalId: this.proposalId, tool: this.call.tool, ...data } });
    const { reason: scrubbed, data: scrubbedData } = record as { reason: string; data: unknown };
    await audit.append({ actor: this.call.actor, agent: this.call.execution.agent, action, subject: this.subject, reason: scrubbed, outcome, data: scrubbedData });
  }

  /** Before the change: an entry that cannot be written stops it (nothing runs unrecorded). */
  async must(action: AuditAction, outcome: string, reason: string, data?: Record<string, unknown>): Promise<void> {
    try {
      await this.append(action, outcome, reason, data);
    } catch (e) {
      throw new UserError(`the audit log could not record the ${action} of ${this.subject} (${errorMessage(e)}); nothing was changed`, 'check the audit log\'s storage (dataDir or DATABASE_URL), then call again');
    }
  }
}

function failureText(e: unknown): string {
  if (isUserError(e)) return e.fix ? `${e.message}. Fix: ${e.fix}` : e.message;
  if (e instanceof KubeApiError) return `Kubernetes API ${e.status} ${e.reason}: ${e.message}`;
  return errorMessage(e);
}

/**
 * Dry run → verdict → (approval) → change. A dry run, and every call in propose mode, stops after
 * the verdict and returns the preview with it. A deny refuses the call; require-approval asks the
 * person through the client (unless an operator said another layer approves: mcp.confirmDestructive
 * =false); an allowed change that alters or removes what exists is still confirmed.
 */
export async function previewThenRun<P extends ChangePreview>(call: WriteCall, write: GuardedWrite<P>): Promise<CallToolResult> {
  const { execution } = call;
  const preview = await write.preview();
  const action = typeof write.action === 'string' ? write.action : write.action(preview);
  const proposed = write.proposal(preview);
  const facts: ClusterFacts = { ...write.facts, namespaceLabels: await namespaceLabels(write.cluster.access, write.cluster.context, namespacesOf(proposed)) };
  const { verdict, reasons, rules } = judge(proposed, execution.guardianPolicy(), facts);
  const assessment: Assessment = { guardian: { verdict, reasons, rules }, blastRadius: blastRadiusOf(preview, write.reach?.(preview)), reversibility: write.reversibility(preview), executionMode: execution.mode };
  const render = (write.result ?? changeResult) as (report: AssessedReport<P>) => CallToolResult;

  // Whatever reaches the audit is scrubbed like a result: Secret values of the namespace, by value.
  const namespace = typeof call.args.namespace === 'string' ? call.args.namespace : undefined;
  const scrub = async (data: unknown) => (await write.cluster.access.redactor(write.cluster.access.client(write.cluster.context), namespace)).redactDeep(data);
  const trail = new AuditTrail(call, action, scrub);
  const proposalData = {
    arguments: write.auditArguments ? write.auditArguments(preview) : call.args,
    mode: execution.mode,
    summary: preview.summary,
    changes: preview.changes.map((c) => `${objectRef(c)}${c.namespace ? ` -n ${c.namespace}` : ''} ${c.action}`),
    blastRadius: assessment.blastRadius,
    reversibility: assessment.reversibility,
  };
  const proposeOnly = execution.mode !== 'execute';
  if (write.dryRun || proposeOnly) {
    // Propose mode records what was proposed and the guardian's word on it; a preview asked for is not recorded.
    if (!write.dryRun) {
      await trail.must('proposal', 'proposed', preview.summary, proposalData);
      await trail.must('verdict', verdict, reasons.join(' '), { rules, executed: false });
    }
    return render({ ...preview, ...assessment, dryRun: true });
  }

  await trail.must('proposal', 'proposed', preview.summary, proposalData);
  await trail.must('verdict', verdict, reasons.join(' '), { rules });
  if (verdict === 'deny') {
    throw new UserError(
      `the guardian denies ${action}: ${reasons.join(' ')} (rule${rules.length === 1 ? '' : 's'} ${rules.join(', ')}); nothing was changed`,
      'change the action so no deny rule matches; or an operator changes the guardian policy (guardian.policyFile / K8S_EXPERTS_POLICY_FILE)',
    );
  }
  const needsApproval = verdict === 'require-approval';
  let approvedBy = 'the guardian allows it';
  if (needsApproval || write.needsConfirmation(preview)) {
    if (call.askRequired) {
      const request: ConfirmRequest = {
        action,
        details: [
          needsApproval ? 'The guardian policy requires a person\'s approval for this change.' : 'The guardian allows this change; it alters or removes what exists, so it is confirmed first.',
          ...renderAssessment(assessment),
          '',
          write.details ? write.details(preview) : renderChangeReport({ dryRun: true, ...preview }),
        ].join('\n'),
      };
      const answer = await call.ask(request);
      const accepted = answer.outcome === 'accepted';
      await trail.must(accepted ? 'approval' : 'rejection', accepted ? 'approved' : 'rejected', describeAnswer(answer), { asked: needsApproval ? 'guardian approval' : 'confirmation of a destructive change' });
      if (!accepted) throw notConfirmed(request, answer, needsApproval ? `approval (the guardian policy: ${reasons.join(' ')})` : 'confirmation');
      approvedBy = 'approved by the person asked';
    } else if (needsApproval) {
      approvedBy = 'approval left to another layer (mcp.confirmDestructive=false)';
    }
  }

  await trail.must('execution', 'started', approvedBy);
  let done: P;
  try {
    done = await write.run(preview);
  } catch (e) {
    await trail.append('result', 'failed', failureText(e)).catch((auditError: unknown) => write.cluster.access.logger.error({ err: auditError }, 'the audit log could not record a failed write'));
    throw e;
  }
  let summary = done.summary;
  try {
    await trail.append('result', 'ok', done.summary, { changes: done.changes.map((c) => `${objectRef(c)}${c.namespace ? ` -n ${c.namespace}` : ''} ${c.action}`) });
  } catch (e) {
    // The change is made: say so, and that the trail misses its result.
    write.cluster.access.logger.error({ err: e }, 'the audit log could not record a write\'s result');
    summary = `${summary} (The audit log could not record this result: ${errorMessage(e)}.)`;
  }
  // The result's reach and undo are the change's as made (a generated name, the pods a drain took).
  return render({ ...done, summary, ...assessment, blastRadius: blastRadiusOf(done, write.reach?.(done)), reversibility: write.reversibility(done), dryRun: false });
}
