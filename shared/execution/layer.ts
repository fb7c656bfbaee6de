/**
 * The execution layer: the one way the crew changes a cluster. A change request becomes a
 * proposal (server-side dry run of every step, blast radius, undo), the guardian rules on it,
 * a person approves it where the policy says so, and only then do the steps run — through the
 * kubernetes MCP server's write tools, which dry-run, mask and police again on their side.
 * Every proposal, verdict, approval, rejection, expiry, execution and result goes into the
 * audit chain; states live in the proposal store, so an answer after a restart, a second
 * answer, or a crash mid-run never runs anything twice.
 */
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { AuditLog } from '../audit/log.js';
import type { ExecutionMode } from '../config.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ChangeReport, ObjectChange } from '../mcp/change.js';
import { MASK } from '../redact.js';
import type { ApprovalReply } from './approval.js';
import { combineAssessments, type Proposal, type ProposalState, type ProposalStep, type ProposalVerdict } from './proposal.js';
import type { Decision, ProposalStore, StoredProposal } from './store.js';
import { isRecord } from '../records.js';
import { parseYamlDocuments } from '../yaml.js';
import { writeFiles } from './workspace-server.js';

/** Asks the guardian for a verdict on an action (its `{ action }` data shape), naming the proposal. */
export type AskGuardian = (action: Record<string, unknown>, proposalId: string, signal?: AbortSignal) => Promise<ProposalVerdict>;

export interface ExecutionLayerDeps {
  /** A client on a kubernetes MCP server with write tools (confirmations off: approvals happen here). */
  writer: Client;
  /** Writers for the other steps: `helm_*` tools (chart installs) and `workspace_*` (files for a person). */
  writers?: { helm?: Client | undefined; workspace?: Client | undefined };
  audit: AuditLog;
  store: ProposalStore;
  approvalTimeoutMs: number;
  logger: Logger;
  /** The agent that proposes and executes (recorded in the audit). */
  agent: string;
  /** Where charts to install are kept, by content, so the one approved is the one that runs. */
  stagingDir?: string | undefined;
}

export interface ChangeRequest {
  /** The request, Secret values already masked. */
  request: string;
  requestedBy: string;
  verb: string;
  summary: string;
  steps: ProposalStep[];
  /** What the guardian judges (`{ verb, manifest }` or `{ verb, kind, name, namespace, replicas }`). */
  action: Record<string, unknown>;
  /** Values for the Secret keys whose value stands as the placeholder; held in memory only. */
  secrets?: Record<string, string> | undefined;
  /** The request's mode (the deployment's, or lower): propose records, execute runs. */
  mode: Exclude<ExecutionMode, 'read-only'>;
  taskId?: string | undefined;
  contextId?: string | undefined;
}

export interface StepResult {
  tool: string;
  display: string;
  ok: boolean;
  summary: string;
}

export type ChangeOutcomeKind = 'proposed' | 'denied' | 'awaiting-approval' | 'executed' | 'failed' | 'rejected' | 'expired' | 'not-pending' | 'not-found';

export interface ChangeOutcome {
  kind: ChangeOutcomeKind;
  proposal?: Proposal;
  verdict?: ProposalVerdict;
  /** The state the proposal is in now. */
  state?: ProposalState;
  results?: StepResult[];
  /** One sentence for the person: what happened and why. */
  message: string;
}

/** The objects of a YAML/JSON manifest text (a step's `manifest` argument, which the router wrote). */
function manifestDocuments(manifest: string): Array<Record<string, unknown>> {
  return parseYamlDocuments(manifest).values.filter(isRecord);
}

/** The Secret keys in a step's manifest whose value is the placeholder (to fill before it runs). */
function placeholderKeys(step: ProposalStep): string[] {
  if (typeof step.args.manifest !== 'string' || !step.args.manifest.includes(MASK)) return [];
  const keys: string[] = [];
  for (const object of manifestDocuments(step.args.manifest)) {
    if (object.kind !== 'Secret' || !isRecord(object.stringData)) continue;
    for (const [k, v] of Object.entries(object.stringData)) if (v === MASK) keys.push(k);
  }
  return keys;
}

/** The step's manifest with each placeholder replaced by its value (as JSON, which the tools accept too). */
function withSecretValues(step: ProposalStep, secrets: Record<string, string>): ProposalStep {
  if (placeholderKeys(step).length === 0) return step;
  const filled = manifestDocuments(step.args.manifest as string).map((o) => {
    if (o.kind !== 'Secret' || !isRecord(o.stringData)) return o;
    return { ...o, stringData: Object.fromEntries(Object.entries(o.stringData).map(([k, v]) => [k, v === MASK ? secrets[k] : v])) };
  });
  return { ...step, args: { ...step.args, manifest: JSON.stringify(filled.length === 1 ? filled[0] : { apiVersion: 'v1', kind: 'List', items: filled }) } };
}

const sentence = (s: string) => s.split('\n')[0]!.slice(0, 300);

export class ExecutionLayer {
  /** Secret values of pending proposals: memory only, so they never reach a disk or the audit. */
  private readonly held = new Map<string, Record<string, string>>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly deps: ExecutionLayerDeps) {}

  /**
   * Marks what a crash left behind: a proposal approved or executing when the process stopped is
   * `interrupted` (the cluster may or may not have it) and is never run again. Call at start.
   */
  async recover(): Promise<number> {
    let count = 0;
    for (const state of ['approved', 'executing'] as const) {
      for (const stored of await this.deps.store.inState(state)) {
        if (!(await this.deps.store.transition(stored.proposal.id, [state], 'interrupted', { outcome: 'the process stopped while it ran' }))) continue;
        count++;
        await this.audit('result', stored.proposal, {
          actor: 'system',
          outcome: 'interrupted',
          reason: state === 'executing' ? 'The process stopped during execution: the outcome is unknown (check the cluster); it is not run again.' : 'The process stopped after the approval, before execution: nothing ran, and it is not run again (propose it anew).',
        });
      }
    }
    return count;
  }

  /** Expires pending proposals past their time, every `intervalMs`. */
  startSweeping(intervalMs = 15_000): void {
    this.sweeper = setInterval(() => void this.expireDue().catch((e: unknown) => this.deps.logger.warn({ err: e }, 'expiring proposals failed')), intervalMs);
    this.sweeper.unref();
  }

  async expireDue(now = new Date()): Promise<string[]> {
    const expired: string[] = [];
    for (const stored of await this.deps.store.inState('pending', { expiredBy: now.toISOString() })) {
      if (await this.expire(stored)) expired.push(stored.proposal.id);
    }
    return expired;
  }

  /**
   * Keeps a chart's files under the staging directory at a path named by their digest and
   * returns that path: a helm_install step names it, so what runs after the approval is exactly
   * what the dry run rendered and the person saw. Idempotent.
   */
  stageChart(chart: { name: string; files: Record<string, string> }): string {
    if (!this.deps.stagingDir) throw new Error('this execution layer has no staging directory for charts');
    const digest = createHash('sha256');
    for (const [path, content] of Object.entries(chart.files).sort(([a], [b]) => a.localeCompare(b))) digest.update(`${path}\0${content}\0`);
    const root = join(this.deps.stagingDir, digest.digest('hex').slice(0, 32));
    writeFiles(root, { directory: chart.name, files: chart.files, overwrite: false, dryRun: false });
    return join(root, chart.name);
  }

  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.held.clear();
  }

  /** Dry run → proposal → verdict → (propose: stop) → deny: stop / approval needed: wait / allow: run. */
  async propose(change: ChangeRequest, guardian: AskGuardian, signal?: AbortSignal): Promise<ChangeOutcome> {
    const id = randomUUID();
    const created = new Date();
    const { reports, ...dryRun } = await this.dryRun(change.steps, signal);
    const { blastRadius, reversible, undo } = combineAssessments(reports);
    const proposal: Proposal = {
      id,
      verb: change.verb,
      summary: change.summary,
      request: change.request,
      requestedBy: change.requestedBy,
      agent: this.deps.agent,
      steps: change.steps,
      dryRun,
      blastRadius,
      reversible,
      undo,
      createdAt: created.toISOString(),
      expiresAt: new Date(created.getTime() + this.deps.approvalTimeoutMs).toISOString(),
    };
    await this.audit('proposal', proposal, { actor: change.requestedBy, outcome: change.mode === 'propose' ? 'proposed (propose mode)' : 'proposed', reason: change.request });

    if (!dryRun.ran) {
      const verdict: ProposalVerdict = { verdict: 'deny', reasons: [`The API server's dry run failed: ${dryRun.error ?? 'unknown error'}`], rules: [] };
      await this.deps.store.insert({ proposal, verdict, state: 'failed', taskId: change.taskId, contextId: change.contextId, outcome: 'dry run failed' });
      await this.audit('result', proposal, { actor: 'system', outcome: 'failed', reason: `Not run: the server-side dry run failed (${sentence(dryRun.error ?? '')}).` });
      return { kind: 'failed', proposal, verdict, state: 'failed', message: `Nothing was changed: the API server's dry run rejected it (${sentence(dryRun.error ?? 'unknown error')}).` };
    }

    const verdict = await guardian(change.action, id, signal).catch((e: unknown): ProposalVerdict => ({ verdict: 'deny', reasons: [`The guardian could not be asked (${errorMessage(e)}): nothing runs without its verdict.`], rules: [], error: errorMessage(e) }));
    await this.audit('verdict', proposal, { actor: 'guardian', agent: 'guardian', outcome: verdict.verdict, reason: verdict.reasons.join(' '), extra: { rules: verdict.rules, ...(verdict.error ? { error: verdict.error } : {}) } });

    if (change.mode === 'propose') {
      await this.deps.store.insert({ proposal, verdict, state: 'proposed', taskId: change.taskId, contextId: change.contextId });
      return { kind: 'proposed', proposal, verdict, state: 'proposed', message: `Proposed only (execution mode propose): nothing was changed. The guardian would ${verdict.verdict === 'allow' ? 'allow it' : verdict.verdict === 'deny' ? 'deny it' : 'need a person\'s approval'}.` };
    }
    if (verdict.verdict === 'deny') {
      await this.deps.store.insert({ proposal, verdict, state: 'denied', taskId: change.taskId, contextId: change.contextId });
      return { kind: 'denied', proposal, verdict, state: 'denied', message: `Denied by the guardian: nothing was changed. ${verdict.reasons.join(' ')}` };
    }
    const missing = change.steps.flatMap(placeholderKeys).filter((k) => change.secrets?.[k] === undefined);
    if (missing.length) {
      await this.deps.store.insert({ proposal, verdict, state: 'failed', taskId: change.taskId, contextId: change.contextId, outcome: 'secret value missing' });
      await this.audit('result', proposal, { actor: 'system', outcome: 'failed', reason: `Not run: no value was given for Secret key${missing.length === 1 ? '' : 's'} ${missing.join(', ')}.` });
      return { kind: 'failed', proposal, verdict, state: 'failed', message: `Nothing was changed: the request gives no value for Secret key${missing.length === 1 ? '' : 's'} ${missing.join(', ')} (say "with value …" or KEY=value).` };
    }
    if (change.secrets && Object.keys(change.secrets).length) this.held.set(id, change.secrets);
    if (verdict.verdict === 'require-approval') {
      await this.deps.store.insert({ proposal, verdict, state: 'pending', taskId: change.taskId, contextId: change.contextId });
      return { kind: 'awaiting-approval', proposal, verdict, state: 'pending', message: `A person must approve this before it runs (until ${proposal.expiresAt}). ${verdict.reasons.join(' ')}` };
    }
    await this.deps.store.insert({ proposal, verdict, state: 'approved', taskId: change.taskId, contextId: change.contextId });
    return this.run({ proposal, verdict, state: 'approved', taskId: change.taskId ?? '', contextId: change.contextId ?? '', outcome: '', updatedAt: proposal.createdAt }, change.requestedBy, signal);
  }

  /** The proposal a task waits on, as an outcome to ask again with (a reply that was not an answer). */
  async waiting(taskId: string, message: string): Promise<ChangeOutcome | undefined> {
    const stored = await this.deps.store.byTask(taskId);
    if (!stored || stored.state !== 'pending') return undefined;
    return { kind: 'awaiting-approval', proposal: stored.proposal, verdict: stored.verdict, state: 'pending', message };
  }

  /** A person's answer to a pending proposal (by id, else the one the task waits on). */
  async decide(target: { proposalId?: string | undefined; taskId?: string | undefined }, reply: Omit<ApprovalReply, 'proposalId'>, by: string, signal?: AbortSignal): Promise<ChangeOutcome> {
    const stored = target.proposalId ? await this.deps.store.get(target.proposalId) : target.taskId ? await this.deps.store.byTask(target.taskId) : undefined;
    if (!stored) return { kind: 'not-found', message: `There is no proposal ${target.proposalId ?? `for task ${target.taskId}`}.` };
    if (target.taskId && stored.taskId && stored.taskId !== target.taskId) return { kind: 'not-found', message: `Proposal ${stored.proposal.id} belongs to another task.` };
    const { proposal, verdict } = stored;
    if (stored.state !== 'pending') return { kind: 'not-pending', proposal, verdict, state: stored.state, message: `Proposal ${proposal.id} is ${stored.state}${stored.outcome ? ` (${stored.outcome})` : ''}, not waiting for approval: nothing was run again.` };
    if (Date.now() >= Date.parse(proposal.expiresAt)) {
      await this.expire(stored);
      return { kind: 'expired', proposal, verdict, state: 'expired', message: `The approval came too late: proposal ${proposal.id} expired at ${proposal.expiresAt}. Nothing was changed; ask again to get a new proposal.` };
    }
    const decision: Decision = { by, decision: reply.decision, reason: reply.reason ?? '', at: new Date().toISOString() };
    if (reply.decision === 'reject') {
      if (!(await this.deps.store.transition(proposal.id, ['pending'], 'rejected', { decision }))) return this.raced(proposal.id);
      this.held.delete(proposal.id);
      await this.audit('rejection', proposal, { actor: by, outcome: 'rejected', reason: reply.reason || 'no reason given' });
      return { kind: 'rejected', proposal, verdict, state: 'rejected', message: `Rejected by ${by}${reply.reason ? `: ${reply.reason}` : ''}. Nothing was changed.` };
    }
    const needsValues = proposal.steps.some((s) => placeholderKeys(s).length > 0);
    if (needsValues && !this.held.has(proposal.id)) {
      if (!(await this.deps.store.transition(proposal.id, ['pending'], 'failed', { decision, outcome: 'secret values lost' }))) return this.raced(proposal.id);
      await this.audit('result', proposal, { actor: 'system', outcome: 'failed', reason: 'Approved, but the Secret values were held in memory only and the crew restarted since: nothing ran; ask again.' });
      return { kind: 'failed', proposal, verdict, state: 'failed', message: 'Nothing was changed: the Secret values of this proposal were held in memory only and the crew restarted since. Ask again.' };
    }
    if (!(await this.deps.store.transition(proposal.id, ['pending'], 'approved', { decision }))) return this.raced(proposal.id);
    await this.audit('approval', proposal, { actor: by, outcome: 'approved', reason: reply.reason || 'approved' });
    return this.run({ ...stored, state: 'approved', decision }, by, signal);
  }

  private async raced(id: string): Promise<ChangeOutcome> {
    const now = await this.deps.store.get(id);
    return { kind: 'not-pending', proposal: now?.proposal, verdict: now?.verdict, state: now?.state, message: `Proposal ${id} was decided by someone else a moment ago (${now?.state}): nothing was run again.` };
  }

  private async expire(stored: StoredProposal): Promise<boolean> {
    const decision: Decision = { by: 'system', decision: 'expire', reason: `no answer by ${stored.proposal.expiresAt}`, at: new Date().toISOString() };
    if (!(await this.deps.store.transition(stored.proposal.id, ['pending'], 'expired', { decision }))) return false;
    this.held.delete(stored.proposal.id);
    await this.audit('expiry', stored.proposal, { actor: 'system', outcome: 'expired', reason: `No approval by ${stored.proposal.expiresAt}: nothing was changed.` });
    return true;
  }

  /** Runs an approved (or allowed) proposal's steps in order; the first failure stops the rest. */
  private async run(stored: StoredProposal, actor: string, signal?: AbortSignal): Promise<ChangeOutcome> {
    const { proposal, verdict } = stored;
    if (!(await this.deps.store.transition(proposal.id, ['approved'], 'executing'))) return this.raced(proposal.id);
    // On disk before the cluster is touched: a crash from here on is found by recover().
    await this.audit('execution', proposal, { actor, outcome: 'started', reason: verdict.verdict === 'allow' ? 'allowed by the guardian' : `approved by ${stored.decision?.by ?? actor}` });
    const secrets = this.held.get(proposal.id) ?? {};
    this.held.delete(proposal.id);
    const results: StepResult[] = [];
    for (const step of proposal.steps) {
      const result = await this.callWrite(withSecretValues(step, secrets), false, signal);
      results.push({ tool: step.tool, display: step.display, ok: result.ok, summary: result.ok ? result.report.summary : result.error });
      if (!result.ok) break;
    }
    const ok = results.length === proposal.steps.length && results.every((r) => r.ok);
    const outcome = ok ? 'executed' : 'failed';
    const summary = results.map((r) => `${r.ok ? 'done' : 'FAILED'}: ${sentence(r.summary)}`).join(' ');
    await this.deps.store.transition(proposal.id, ['executing'], outcome, { outcome: summary });
    await this.audit('result', proposal, { actor: 'system', outcome, reason: summary, extra: { results } });
    const skipped = proposal.steps.length - results.length;
    return {
      kind: outcome,
      proposal,
      verdict,
      state: outcome,
      results,
      message: ok ? `Done: ${results.map((r) => sentence(r.summary)).join(' ')}` : `Failed: ${summary}${skipped ? ` (${skipped} later step${skipped === 1 ? '' : 's'} not run)` : ''}. Undo what ran if needed: ${proposal.undo}.`,
    };
  }

  /** Every step as a server-side dry run; the write tools report each one's reach and undo. */
  private async dryRun(steps: readonly ProposalStep[], signal?: AbortSignal): Promise<Proposal['dryRun'] & { reports: ChangeReport[] }> {
    const reports: ChangeReport[] = [];
    const changes: ObjectChange[] = [];
    const diffs: string[] = [];
    const summaries: string[] = [];
    for (const step of steps) {
      const result = await this.callWrite(step, true, signal);
      if (!result.ok) return { ran: false, summary: summaries.join(' '), changes, diff: diffs.join('\n'), error: `${step.display}: ${result.error}`, reports };
      reports.push(result.report);
      changes.push(...result.report.changes);
      if (result.report.diff) diffs.push(result.report.diff);
      summaries.push(result.report.summary);
    }
    return { ran: true, summary: summaries.join(' '), changes, diff: diffs.join('\n'), reports };
  }

  /** The client whose server has the step's tool: by its prefix, kubernetes for the rest. */
  private writerFor(tool: string): Client | undefined {
    if (tool.startsWith('helm_')) return this.deps.writers?.helm;
    if (tool.startsWith('workspace_')) return this.deps.writers?.workspace;
    return this.deps.writer;
  }

  private async callWrite(step: ProposalStep, dryRun: boolean, signal?: AbortSignal): Promise<{ ok: true; report: ChangeReport } | { ok: false; error: string }> {
    const writer = this.writerFor(step.tool);
    if (!writer) return { ok: false, error: `no writer for ${step.tool} is set up in this crew (helm binary or workspace missing)` };
    try {
      const result = await writer.callTool({ name: step.tool, arguments: { ...step.args, dryRun } }, undefined, { signal, timeout: 300_000 });
      const text = (result.content as Array<{ type: string; text?: string }>).map((c) => c.text ?? '').join('\n');
      if (result.isError) return { ok: false, error: text || 'the tool failed' };
      const report = result.structuredContent as ChangeReport | undefined;
      return { ok: true, report: report ?? { dryRun, summary: text, changes: [], diff: '' } };
    } catch (e) {
      return { ok: false, error: errorMessage(e) };
    }
  }

  private async audit(action: 'proposal' | 'verdict' | 'approval' | 'rejection' | 'expiry' | 'execution' | 'result', proposal: Proposal, entry: { actor: string; agent?: string; outcome: string; reason: string; extra?: Record<string, unknown> }): Promise<void> {
    const base = { proposalId: proposal.id, ...entry.extra };
    const data =
      action === 'proposal'
        ? { ...base, verb: proposal.verb, steps: proposal.steps.map((s) => ({ tool: s.tool, display: s.display })), dryRun: { ran: proposal.dryRun.ran, summary: proposal.dryRun.summary, changes: proposal.dryRun.changes }, blastRadius: proposal.blastRadius, reversible: proposal.reversible, undo: proposal.undo, expiresAt: proposal.expiresAt }
        : base;
    await this.deps.audit.append({ actor: entry.actor, agent: entry.agent ?? this.deps.agent, action, subject: proposal.summary, reason: entry.reason, outcome: entry.outcome, data });
  }
}
