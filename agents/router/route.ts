/**
 * One request through the crew: ranked against the peers' skills, sent to the best one over
 * A2A (or, for a change, through dev → security → guardian), with progress passed on. A peer
 * that is down or too slow leaves a partial answer that says so — never a hang.
 */
import { z } from 'zod';
import type { ExecutionMode } from '../../shared/config.js';
import type { AskGuardian, ExecutionLayer } from '../../shared/execution/layer.js';
import type { ProposalVerdict } from '../../shared/execution/proposal.js';
import type { Logger } from '../../shared/logger.js';
import { changeFromDevAnswer, type DraftedChange, outcomeAnswer, secretValuesFor } from './change.js';
import { changeFromChartAnswer, chartIntent, devChartAnswer, type DevChartAnswer } from './chart-change.js';
import { isRecord } from '../../shared/records.js';
import { toYaml } from '../../shared/yaml.js';
import { needsChangePlan, rankSkills, type SkillMatch } from './classify.js';
import type { SkillPicker } from './model-pick.js';
import type { PeerAnswer, PeerClient } from './peer-client.js';
import type { PeerDirectory } from './peers.js';

/** Below this a skill only shares a word or two with the request: not a match. */
const MIN_SCORE = 1;

export interface RouteResult {
  /** The answer itself: for a single specialist its text as it gave it (bare values stay bare). */
  text: string;
  /** Who contributed, in order. */
  agents: string[];
  data: { agents: string[]; steps: Array<{ agent: string; skill: string; outcome: string; error?: string; data: unknown }>; ranking: SkillMatch[]; /** The specialist whose question the task waits on. */ waitingOn?: string };
  /** False when no specialist fit or none answered. */
  answered: boolean;
  /** The change waits for a person's approval: the task goes input-required with data.approvalRequest. */
  inputRequired?: boolean;
}

/** What a change request needs besides its text: who asks, in which mode, on which task. */
export interface ChangeContext {
  /** The request's mode: the deployment's, or lower if the request asked. */
  mode: ExecutionMode;
  requestedBy: string;
  /** The request with Secret values masked (what proposals and the audit keep). */
  scrubbedRequest: string;
  /** Secret values the request gave, by key (memory only). */
  secretLiterals: ReadonlyArray<{ key: string; value: string }>;
  taskId: string;
  contextId: string;
}

export interface RouteOptions {
  signal?: AbortSignal | undefined;
  onProgress?: (text: string) => void;
  /** Skip ranking: this agent (and skill) was asked for. */
  agent?: string | undefined;
  skill?: string | undefined;
  /** A manifest the request carried (data part `{ manifest }`): dev validates it instead of drafting one. */
  manifest?: string | undefined;
  /** Set when changes may be proposed or run (mode propose or execute); otherwise changes are only planned. */
  change?: ChangeContext | undefined;
  /** The router's own task: a specialist's question is relayed on it (input-required) and its answer sent back. */
  task?: { taskId: string; contextId: string } | undefined;
}

/** A specialist's question the router relayed to its caller: where the caller's answer goes. */
interface RelayedQuestion {
  agent: string;
  skill: string;
  peerTask: { taskId: string; contextId: string };
  question: string;
  ranking: SkillMatch[];
  at: number;
}

/** A relayed question no one answers is forgotten after this long, and only this many are kept. */
const RELAY_TTL_MS = 60 * 60_000;
const RELAY_MAX = 1000;

const guardianAnswer = z.looseObject({ verdict: z.enum(['allow', 'require-approval', 'deny']), reasons: z.array(z.string()), rules: z.array(z.string()).default([]), proposalId: z.string().optional() });

export class Router {
  /** Questions waiting for the caller, by the router's task id (memory only: after a restart, ask again). */
  private readonly relayed = new Map<string, RelayedQuestion>();

  constructor(
    private readonly directory: PeerDirectory,
    private readonly client: PeerClient,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
    /** With a model configured, it picks the skill; the scored match decides otherwise. */
    private readonly pickSkill?: SkillPicker,
    /** Proposes and runs changes (modes propose and execute); absent in read-only mode. */
    private readonly execution?: ExecutionLayer,
  ) {}

  private async step(agent: string, skill: string, text: string, data: Record<string, unknown>, options: RouteOptions, continued?: { taskId: string; contextId: string }): Promise<PeerAnswer> {
    const peer = this.directory.get(agent);
    if (!peer?.up || !peer.card) return { agent, outcome: 'unreachable', text: '', data: undefined, error: peer?.lastError ?? 'no such peer' };
    options.onProgress?.(`asking ${agent} (${skill})`);
    const answer = await this.client.ask(agent, peer.card, { text, data: { skill, ...data }, ...(continued ?? {}) }, { timeoutMs: this.timeoutMs, signal: options.signal, onProgress: (said) => options.onProgress?.(`${agent}: ${said}`) });
    if (answer.outcome === 'unreachable' || answer.outcome === 'timeout') {
      this.directory.markDown(agent, answer.error ?? answer.outcome);
      this.logger.warn({ agent, outcome: answer.outcome, error: answer.error }, 'peer did not answer');
    }
    return answer;
  }

  async route(question: string, options: RouteOptions = {}): Promise<RouteResult> {
    const skills = this.directory.skills();
    const ranking = rankSkills(question, skills).slice(0, 5);
    const forced = options.agent ? { agent: options.agent, skill: options.skill ?? this.directory.get(options.agent)?.card?.skills[0]?.id ?? '', score: Infinity, because: ['asked for'] } : undefined;
    const picked = forced || !this.pickSkill || skills.length === 0 ? undefined : await this.pickSkill(question, skills, ranking, options.signal);
    const best = forced ?? picked ?? ranking[0];
    if (!best || best.score < MIN_SCORE) {
      const up = this.directory.list().filter((p) => p.up);
      const text = up.length
        ? `No specialist's skills fit "${question}". The crew answers: ${up.map((p) => `${p.agent} (${p.card?.skills.map((s) => s.name.toLowerCase()).join('; ')})`).join(', ')}.`
        : 'No specialist is reachable right now: every peer\'s card failed to answer. Check `k8s-experts start` or a2a.peers.';
      return { text, agents: [], data: { agents: [], steps: [], ranking }, answered: false };
    }
    if (!forced && needsChangePlan(best)) return this.changePlan(question, ranking, options);
    const answer = await this.step(best.agent, best.skill, question, {}, options);
    return this.afterAnswer(best, answer, question, ranking, options);
  }

  /** What follows a specialist's answer: its question relayed, a chart reviewed, a change proposed. */
  private async afterAnswer(best: { agent: string; skill: string }, answer: PeerAnswer, question: string, ranking: SkillMatch[], options: RouteOptions): Promise<RouteResult> {
    if (answer.outcome === 'input-required') return this.relayQuestion(best, answer, question, ranking, options);
    if (best.agent === 'dev' && answer.outcome === 'completed') {
      const chart = devChartAnswer.safeParse(answer.data);
      if (chart.success) return this.chartPlan(chart.data, answer, question, ranking, options);
      // A kubectl command that changes something is a change like any other: proposed, judged, approved, run.
      if (options.change && this.execution) {
        const drafted = changeFromDevAnswer(answer.data);
        if (!('reason' in drafted)) return this.proposeChange(drafted, [answer], [best.skill], ranking, options);
      }
    }
    return this.result([answer], [best.skill], ranking);
  }

  /**
   * A specialist asks before it can go on (dev's chart without an image): the question goes to the
   * caller on the router's task (input-required), and their answer back to the specialist's task.
   */
  private relayQuestion(best: { agent: string; skill: string }, answer: PeerAnswer, question: string, ranking: SkillMatch[], options: RouteOptions): RouteResult {
    if (!options.task || !answer.taskId || !answer.contextId) return this.result([answer], [best.skill], ranking, `${best.agent} needs more to go on: ask again with the answers to its questions.`);
    const now = Date.now();
    for (const [id, q] of this.relayed) if (now - q.at > RELAY_TTL_MS || this.relayed.size >= RELAY_MAX) this.relayed.delete(id);
    this.relayed.set(options.task.taskId, { agent: best.agent, skill: best.skill, peerTask: { taskId: answer.taskId, contextId: answer.contextId }, question, ranking, at: now });
    return {
      text: answer.text,
      agents: [best.agent],
      // The specialist's questions (data.questions) stay where a client looks for them.
      data: { ...(isRecord(answer.data) ? answer.data : {}), agents: [best.agent], steps: [{ agent: best.agent, skill: best.skill, outcome: answer.outcome, data: answer.data }], ranking, waitingOn: best.agent },
      answered: true,
      inputRequired: true,
    };
  }

  /** The caller's answer to a relayed question, sent on to the specialist's task; undefined when the task waits on none. */
  async answerRelayed(task: { taskId: string; contextId: string }, text: string, data: readonly unknown[], options: RouteOptions = {}): Promise<RouteResult | undefined> {
    const waiting = this.relayed.get(task.taskId);
    if (!waiting) return undefined;
    this.relayed.delete(task.taskId);
    const parts = Object.assign({}, ...data.filter(isRecord)) as Record<string, unknown>;
    const answer = await this.step(waiting.agent, waiting.skill, text, parts, options, waiting.peerTask);
    // What to do with the result (write it, install it) may have been said in either message.
    return this.afterAnswer(waiting, answer, `${waiting.question}\n${text}`, waiting.ranking, { ...options, task });
  }

  /** dev's chart, reviewed by security; written or installed through a proposal when the request says so. */
  private async chartPlan(chart: DevChartAnswer, draft: PeerAnswer, question: string, ranking: SkillMatch[], options: RouteOptions): Promise<RouteResult> {
    const answers = [draft];
    const skills = ['generate-chart'];
    if (chart.rendered?.length) {
      // The objects the chart renders (Secret values masked), as one manifest: reviewed once, in the data part.
      const manifest = chart.rendered.map((r) => toYaml(r.object)).join('---\n');
      answers.push(await this.step('security', 'review-manifest', 'Review the manifest in the data part (a Helm chart, rendered) for security issues.', { manifest }, options));
      skills.push('review-manifest');
    }
    if (!options.change || !this.execution) return this.result(answers, skills, ranking);
    const drafted = this.chartChange(chart, question);
    if ('reason' in drafted) return this.result(answers, skills, ranking, `Nothing was proposed: ${drafted.reason}.`);
    return this.proposeChange(drafted, answers, skills, ranking, options);
  }

  /** A chart to write or install: an install names the copy the layer keeps of exactly this chart. */
  private chartChange(chart: DevChartAnswer, question: string): DraftedChange | { reason: string } {
    const intent = chartIntent(question);
    const staged = intent.install && (!chart.validation || chart.validation.passed) ? this.execution!.stageChart(chart.chart) : undefined;
    return changeFromChartAnswer(chart, intent, staged);
  }

  /** The guardian over A2A, as the execution layer asks it; its answer joins the route's steps. */
  private guardian(answers: PeerAnswer[], skills: string[], options: RouteOptions): AskGuardian {
    return async (action, proposalId, signal) => {
      const answer = await this.step('guardian', 'verdict', `May I ${String(action.verb)} this?`, { action, proposalId }, { ...options, signal: signal ?? options.signal });
      answers.push(answer);
      skills.push('verdict');
      if (answer.outcome !== 'completed') throw new Error(`the guardian did not answer (${answer.outcome}${answer.error ? `: ${answer.error}` : ''})`);
      const parsed = guardianAnswer.safeParse(answer.data);
      if (!parsed.success) throw new Error(`the guardian gave no verdict: ${answer.text.split('\n')[0]}`);
      // A verdict counts only for the proposal it names: never one meant for another.
      if (parsed.data.proposalId !== proposalId) throw new Error(`the guardian's verdict names proposal ${parsed.data.proposalId ?? '(none)'}, not ${proposalId}`);
      const verdict: ProposalVerdict = { verdict: parsed.data.verdict, reasons: parsed.data.reasons, rules: parsed.data.rules };
      return verdict;
    };
  }

  /** A drafted change through the execution layer: proposed, judged, and run or held for approval. */
  private async proposeChange(drafted: DraftedChange, answers: PeerAnswer[], skills: string[], ranking: SkillMatch[], options: RouteOptions): Promise<RouteResult> {
    const change = options.change!;
    const mode = change.mode === 'read-only' ? 'propose' : change.mode;
    options.onProgress?.(`proposing: ${drafted.summary}`);
    const outcome = await this.execution!.propose(
      {
        request: change.scrubbedRequest,
        requestedBy: change.requestedBy,
        verb: drafted.verb,
        summary: drafted.summary,
        steps: drafted.steps,
        action: drafted.action,
        secrets: secretValuesFor(drafted.secretKeys, change.secretLiterals),
        mode,
        taskId: change.taskId,
        contextId: change.contextId,
      },
      this.guardian(answers, skills, options),
      options.signal,
    );
    const answer = outcomeAnswer(outcome, change);
    const routed = this.result(answers, skills, ranking);
    return {
      ...routed,
      text: `${answer.text}\n\n${routed.text}`,
      data: { ...routed.data, ...answer.data },
      answered: true,
      inputRequired: answer.inputRequired,
    };
  }

  /** Asks again for the approval a task waits on, after a reply that was not an answer. */
  async askAgain(task: { taskId: string; contextId: string }, problem: string): Promise<RouteResult | undefined> {
    const outcome = await this.execution?.waiting(task.taskId, `${problem}.`);
    if (!outcome) return undefined;
    const answer = outcomeAnswer(outcome, task);
    return { text: answer.text, agents: ['router'], data: { agents: ['router'], steps: [], ranking: [], ...answer.data }, answered: true, inputRequired: true };
  }

  /** A person's answer to the approval a task waits on. */
  async decide(task: { taskId: string; contextId: string }, reply: Parameters<ExecutionLayer['decide']>[1] & { proposalId?: string | undefined }, by: string, signal?: AbortSignal): Promise<RouteResult> {
    if (!this.execution) return { text: 'This crew runs read-only (execution.mode): there is nothing to approve.', agents: [], data: { agents: [], steps: [], ranking: [] }, answered: false };
    const outcome = await this.execution.decide({ proposalId: reply.proposalId, taskId: task.taskId }, reply, by, signal);
    const answer = outcomeAnswer(outcome, task);
    return { text: answer.text, agents: ['router'], data: { agents: ['router'], steps: [], ranking: [], ...answer.data }, answered: true, inputRequired: answer.inputRequired };
  }

  /** dev drafts the manifests, security reviews them, guardian rules on applying them. */
  private async changePlan(question: string, ranking: SkillMatch[], options: RouteOptions): Promise<RouteResult> {
    const draft = await this.step('dev', 'generate-manifest', question, options.manifest ? { manifest: options.manifest } : {}, options);
    const manifest = draft.outcome === 'completed' ? manifestOf(draft) : undefined;
    if (!manifest) return this.result([draft], ['generate-manifest'], ranking, 'The plan stopped: dev produced no manifest to review.');
    // The manifest travels once, in the data part: in the text as well, it would be reviewed twice.
    const review = await this.step('security', 'review-manifest', 'Review the manifest in the data part for security issues.', { manifest }, options);
    if (options.change && this.execution) {
      const drafted = changeFromDevAnswer(draft.data);
      if ('reason' in drafted) return this.result([draft, review], ['generate-manifest', 'review-manifest'], ranking, `Nothing was proposed: ${drafted.reason}.`);
      return this.proposeChange(drafted, [draft, review], ['generate-manifest', 'review-manifest'], ranking, options);
    }
    const verdict = await this.step('guardian', 'verdict', 'May I apply this manifest?', { action: { verb: 'apply', manifest } }, options);
    return this.result([draft, review, verdict], ['generate-manifest', 'review-manifest', 'verdict'], ranking);
  }

  private result(answers: PeerAnswer[], skills: string[], ranking: SkillMatch[], note?: string): RouteResult {
    const contributed = answers.filter((a) => a.outcome === 'completed').map((a) => a.agent);
    const failed = answers.filter((a) => a.outcome !== 'completed');
    const missing = failed.map((a) => `${a.agent} did not answer (${a.outcome}${a.error ? `: ${a.error}` : ''})`);
    const text =
      answers.length === 1 && contributed.length === 1
        ? answers[0]!.text
        : [...answers.filter((a) => a.outcome === 'completed').map((a) => `## ${a.agent}\n${a.text}`), ...(missing.length ? [`Partial answer: ${missing.join('; ')}.`] : []), ...(note ? [note] : [])].join('\n\n');
    return {
      text,
      agents: contributed,
      data: { agents: contributed, steps: answers.map((a, i) => ({ agent: a.agent, skill: skills[i] ?? '', outcome: a.outcome, ...(a.error ? { error: a.error } : {}), data: a.data })), ranking },
      answered: contributed.length > 0,
    };
  }
}

/** The YAML a dev answer carries: its data's manifests (text or objects), else the text itself. */
function manifestOf(answer: PeerAnswer): string | undefined {
  const data = answer.data as { yaml?: unknown; manifest?: unknown; manifests?: unknown } | undefined;
  for (const candidate of [data?.yaml, data?.manifest, data?.manifests]) {
    if (typeof candidate === 'string' && candidate.trim()) return candidate;
  }
  return /^(apiVersion|kind):/m.test(answer.text) ? answer.text : undefined;
}
