/**
 * The guardian: a verdict — allow, require-approval or deny — on a proposed action, with reasons
 * a person can read and the ids of the rules behind them. It reads the cluster (read-only) for
 * what the policy needs — namespace labels, current replicas, where a named object lives — and
 * changes nothing.
 */
import { type AgentContext, type AgentDefinition, requestedSkill } from '../../shared/a2a/agent.js';
import type { TaskHandler } from '../../shared/a2a/executor.js';
import { actionFromData, actionFromText } from './action.js';
import { gatherFacts } from './facts.js';
import { defaultPolicy, isReadVerb, judge, type Policy, type ProposedAction, targetsOf } from './policy.js';

export const GUARDIAN_SKILLS = ['verdict'] as const;


const HOW = 'Send the action as a data part { "action": { "verb": "delete", "kind": "Namespace", "name": "payments" } } (also namespace, replicas, manifest), or ask like "May I delete namespace payments?" or "Is it safe to scale cart to 0?".';

/** The action as it may be shown: objects summarized as kind/name (a manifest may hold Secret values). */
function publicAction(action: ProposedAction): Record<string, unknown> {
  const { objects, ...rest } = action;
  return { ...rest, ...(objects ? { objects: targetsOf(action).map((t) => ({ kind: t.kind ?? null, name: t.name ?? null, namespace: t.namespace ?? null })) } : {}) };
}

function describeAction(action: ProposedAction): string {
  const targets = targetsOf(action);
  const first = targets[0]!;
  const object = targets.length > 1 ? `${targets.length} objects` : `${first.kind ?? 'an object'}${first.name ? ` ${first.name}` : ''}`;
  return `${action.verb} ${object}${action.replicas !== undefined ? ` to ${action.replicas} replicas` : ''}${first.namespace && targets.length === 1 ? ` in namespace ${first.namespace}` : ''}`;
}

export function createGuardianAgent(ctx: AgentContext, options: { policy?: Policy } = {}): AgentDefinition {
  const policy = options.policy ?? defaultPolicy(ctx.config.mcp.protectedNamespaces);
  const log = ctx.logger.child({ agent: 'guardian' });
  const handler: TaskHandler = async (run) => {
    const asked = requestedSkill(run.data, GUARDIAN_SKILLS);
    if (asked && 'unknown' in asked) {
      return { text: `This agent has no skill "${asked.unknown}". Its one skill is verdict: allow, require-approval or deny for a proposed action.`, data: { understood: false, error: `unknown skill ${asked.unknown}`, skills: [...GUARDIAN_SKILLS] } };
    }
    const parsed = actionFromData(run.data) ?? actionFromText(run.text);
    if ('error' in parsed) {
      return { text: `No verdict: ${parsed.error}. ${HOW}`, data: { understood: false, error: parsed.error, verdict: null } };
    }
    if (!isReadVerb(parsed.action.verb) && !parsed.action.kind && !parsed.action.objects?.length) {
      const error = `I cannot judge "${parsed.action.verb}" without knowing what it changes: name the kind and object, or send the manifest`;
      return { text: `No verdict: ${error}. ${HOW}`, data: { understood: false, error, verdict: null, action: publicAction(parsed.action) } };
    }
    run.progress(`Checking: ${describeAction(parsed.action)}`);
    const { action, facts, notes } = await gatherFacts(ctx.mcp.kubernetes, parsed.action, run.signal);
    const judgement = judge(action, policy, facts);
    log.info({ verdict: judgement.verdict, rules: judgement.rules, verb: action.verb, kind: action.kind, namespace: action.namespace }, 'verdict');
    const label = { allow: 'ALLOW', 'require-approval': 'REQUIRE APPROVAL', deny: 'DENY' }[judgement.verdict];
    const text = [
      `Verdict: ${label} — ${describeAction(action)}`,
      ...judgement.reasons.map((r) => `- ${r}`),
      ...(judgement.rules.length ? [`Rules: ${judgement.rules.join(', ')}`] : []),
      ...(notes.length ? ['', ...notes.map((n) => `Note: ${n}`)] : []),
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
        source: parsed.source,
        facts,
        notes,
      },
    };
  };
  return { name: 'guardian', mcpServers: ['kubernetes'], handler };
}
