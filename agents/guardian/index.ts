/**
 * The guardian: a verdict — allow, require-approval or deny — on a proposed action, with reasons
 * a person can read and the ids of the rules behind them. It judges by the policy in force (the
 * configured file, re-read when it changes, or the built-in default), reads the cluster
 * (read-only) for what the policy needs — namespace labels, current replicas, where a named
 * object lives — and changes nothing.
 */
import { z } from 'zod';
import { type AgentContext, type AgentDefinition, requestedSkill } from '../../shared/a2a/agent.js';
import type { TaskHandler } from '../../shared/a2a/executor.js';
import { actionFromData, actionFromText } from './action.js';
import { gatherFacts } from './facts.js';
import { type ClusterFacts, isReadVerb, judge, type Policy, type ProposedAction, targetsOf } from '../../shared/policy/judge.js';
import { openPolicySource, type PolicySource, type PolicyStatus, staticPolicySource } from '../../shared/policy/source.js';
import { isRecord } from '../../shared/records.js';

export const GUARDIAN_SKILLS = ['verdict'] as const;

const HOW = 'Send the action as a data part { "action": { "verb": "delete", "kind": "Namespace", "name": "payments" } } (also namespace, replicas, manifest), or ask like "May I delete namespace payments?" or "Is it safe to scale cart to 0?".';

/** The id of the proposal a verdict is for (the execution layer's), passed back unchanged. */
const proposalIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'expected a short id: letters, digits, ".", "_", ":", "-", at most 128 characters');

/** The proposalId of the first data part that has one; an error when it is not a short id. */
export function proposalIdFromData(data: readonly unknown[]): { proposalId?: string } | { error: string } {
  const part = data.find((d): d is { proposalId: unknown } => isRecord(d) && 'proposalId' in d);
  if (!part) return {};
  const parsed = proposalIdSchema.safeParse(part.proposalId);
  return parsed.success ? { proposalId: parsed.data } : { error: `the proposalId is not valid: ${parsed.error.issues[0]!.message}` };
}

/** The action as it may be shown: objects summarized as kind/name (a manifest may hold Secret values). */
function publicAction(action: ProposedAction): Record<string, unknown> {
  const { objects, ...rest } = action;
  return { ...rest, ...(objects ? { objects: targetsOf(action).map((t) => ({ kind: t.kind ?? null, name: t.name ?? null, namespace: t.namespace ?? null })) } : {}) };
}

/** Facts as JSON (a data part carries no Date). */
function publicFacts(facts: ClusterFacts): Record<string, unknown> {
  const { now, ...rest } = facts;
  return { ...rest, ...(now ? { now: now.toISOString() } : {}) };
}

function describeAction(action: ProposedAction): string {
  const targets = targetsOf(action);
  const first = targets[0]!;
  const object = targets.length > 1 ? `${targets.length} objects` : `${first.kind ?? 'an object'}${first.name ? ` ${first.name}` : ''}`;
  return `${action.verb} ${object}${action.replicas !== undefined ? ` to ${action.replicas} replicas` : ''}${first.namespace && targets.length === 1 ? ` in namespace ${first.namespace}` : ''}`;
}

export interface GuardianOptions {
  /** A fixed policy (tests); wins over `policySource`. */
  policy?: Policy;
  /** Where the policy comes from; by default the one config names (guardian.policyFile), watched. */
  policySource?: PolicySource;
  /** The clock time-window rules read (tests). */
  now?: () => Date;
}

/** The guardian agent. Throws a UserError when the configured policy file is missing or invalid. */
export function createGuardianAgent(ctx: AgentContext, options: GuardianOptions = {}): AgentDefinition {
  const log = ctx.logger.child({ agent: 'guardian' });
  const source = options.policy ? staticPolicySource(options.policy) : (options.policySource ?? openPolicySource(ctx.config, log));
  const handler: TaskHandler = async (run) => {
    const asked = requestedSkill(run.data, GUARDIAN_SKILLS);
    if (asked && 'unknown' in asked) {
      return { text: `This agent has no skill "${asked.unknown}". Its one skill is verdict: allow, require-approval or deny for a proposed action.`, data: { understood: false, error: `unknown skill ${asked.unknown}`, skills: [...GUARDIAN_SKILLS] } };
    }
    const proposal = proposalIdFromData(run.data);
    if ('error' in proposal) {
      return { text: `No verdict: ${proposal.error}. Send the proposalId the execution layer gave the proposal, next to { action }.`, data: { understood: false, error: proposal.error, verdict: null } };
    }
    const echo = proposal.proposalId !== undefined ? { proposalId: proposal.proposalId } : {};
    const parsed = actionFromData(run.data) ?? actionFromText(run.text);
    if ('error' in parsed) {
      return { text: `No verdict: ${parsed.error}. ${HOW}`, data: { understood: false, error: parsed.error, verdict: null, ...echo } };
    }
    if (!isReadVerb(parsed.action.verb) && !parsed.action.kind && !parsed.action.objects?.length) {
      const error = `I cannot judge "${parsed.action.verb}" without knowing what it changes: name the kind and object, or send the manifest`;
      return { text: `No verdict: ${error}. ${HOW}`, data: { understood: false, error, verdict: null, action: publicAction(parsed.action), ...echo } };
    }
    run.progress(`Checking: ${describeAction(parsed.action)}`);
    const { action, facts, notes } = await gatherFacts(ctx.mcp.kubernetes, parsed.action, run.signal, { now: options.now?.() });
    // One policy for the whole verdict, even if the file changes meanwhile.
    const loaded = source.current();
    const status: PolicyStatus = source.status();
    const judgement = judge(action, loaded.policy, facts);
    const policy = { version: loaded.version, ...(loaded.file ? { file: loaded.file } : {}), loadedAt: loaded.loadedAt, ...(status.lastError ? { lastError: status.lastError } : {}) };
    log.info({ verdict: judgement.verdict, rules: judgement.rules, verb: action.verb, kind: action.kind, namespace: action.namespace, policy: loaded.version, ...echo }, 'verdict');
    const label = { allow: 'ALLOW', 'require-approval': 'REQUIRE APPROVAL', deny: 'DENY' }[judgement.verdict];
    const policyNote = status.lastError ? [`The policy file ${loaded.file ?? ''} has an edit that was not applied (${status.lastError}); judged by the last good version.`] : [];
    const text = [
      `Verdict: ${label} — ${describeAction(action)}`,
      ...judgement.reasons.map((r) => `- ${r}`),
      ...(judgement.rules.length ? [`Rules: ${judgement.rules.join(', ')}`] : []),
      `Policy: ${loaded.file ? `${loaded.file} (sha256 ${loaded.version.slice(0, 12)})` : 'built-in default'}`,
      ...([...notes, ...policyNote].length ? ['', ...[...notes, ...policyNote].map((n) => `Note: ${n}`)] : []),
    ].join('\n');
    return {
      text,
      data: {
        skill: 'verdict',
        understood: true,
        verdict: judgement.verdict,
        reasons: judgement.reasons,
        rules: judgement.rules,
        findings: judgement.findings,
        action: publicAction(action),
        ...echo,
        policy,
        source: parsed.source,
        facts: publicFacts(facts),
        notes,
      },
    };
  };
  return {
    name: 'guardian',
    mcpServers: ['kubernetes'],
    handler,
    close: () => {
      source.close();
      return Promise.resolve();
    },
  };
}
