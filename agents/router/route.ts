/**
 * One request through the crew: ranked against the peers' skills, sent to the best one over
 * A2A (or, for a change, through dev → security → guardian), with progress passed on. A peer
 * that is down or too slow leaves a partial answer that says so — never a hang.
 */
import type { Logger } from '../../shared/logger.js';
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
  data: { agents: string[]; steps: Array<{ agent: string; skill: string; outcome: string; error?: string; data: unknown }>; ranking: SkillMatch[] };
  /** False when no specialist fit or none answered. */
  answered: boolean;
}

export interface RouteOptions {
  signal?: AbortSignal | undefined;
  onProgress?: (text: string) => void;
  /** Skip ranking: this agent (and skill) was asked for. */
  agent?: string | undefined;
  skill?: string | undefined;
}

export class Router {
  constructor(
    private readonly directory: PeerDirectory,
    private readonly client: PeerClient,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
    /** With a model configured, it picks the skill; the scored match decides otherwise. */
    private readonly pickSkill?: SkillPicker,
  ) {}

  private async step(agent: string, skill: string, text: string, data: Record<string, unknown>, options: RouteOptions): Promise<PeerAnswer> {
    const peer = this.directory.get(agent);
    if (!peer?.up || !peer.card) return { agent, outcome: 'unreachable', text: '', data: undefined, error: peer?.lastError ?? 'no such peer' };
    options.onProgress?.(`asking ${agent} (${skill})`);
    const answer = await this.client.ask(agent, peer.card, { text, data: { skill, ...data } }, { timeoutMs: this.timeoutMs, signal: options.signal, onProgress: (said) => options.onProgress?.(`${agent}: ${said}`) });
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
    return this.result([answer], [best.skill], ranking);
  }

  /** dev drafts the manifests, security reviews them, guardian rules on applying them. */
  private async changePlan(question: string, ranking: SkillMatch[], options: RouteOptions): Promise<RouteResult> {
    const draft = await this.step('dev', 'generate-manifest', question, {}, options);
    const manifest = draft.outcome === 'completed' ? manifestOf(draft) : undefined;
    if (!manifest) return this.result([draft], ['generate-manifest'], ranking, 'The plan stopped: dev produced no manifest to review.');
    // The manifest travels once, in the data part: in the text as well, it would be reviewed twice.
    const review = await this.step('security', 'review-manifest', 'Review the manifest in the data part for security issues.', { manifest }, options);
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
