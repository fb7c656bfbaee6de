/**
 * The dev agent: manifests for what a person describes, validated by the API server with a
 * server-side dry run (k8s_validate on the read-only kubernetes server) and fixed where the
 * server rejects something fixable, and the kubectl commands for common tasks. Nothing is ever
 * applied by this agent.
 */
import { TaskState } from '@a2a-js/sdk';
import { type AgentContext, type AgentDefinition, requestedSkill } from '../../shared/a2a/agent.js';
import { messageData, type TaskResult } from '../../shared/a2a/parts.js';
import type { TaskHandler } from '../../shared/a2a/executor.js';
import { scrubValues, secretValuesIn } from '../../shared/secret-literals.js';
import { generateManifestSkill } from './generate-skill.js';
import { kubectlCommandSkill } from './kubectl-skill.js';
import { generateChartSkill, previousChartSpec } from './chart/skill.js';
import { isRecord } from '../../shared/records.js';

export { scrubValues } from '../../shared/secret-literals.js';

export const DEV_SKILLS = ['generate-manifest', 'generate-chart', 'kubectl-command'] as const;
export type DevSkill = (typeof DEV_SKILLS)[number];

/** The skill a request is for: the caller's `{ skill }` data part wins, else the wording decides. */
export function chooseDevSkill(text: string, data: unknown[]): { skill: DevSkill } | { unknown: string } {
  const asked = requestedSkill(data, DEV_SKILLS);
  if (asked) return asked;
  const t = text.toLowerCase();
  if (/\bhelm\b|\bcharts?\b/.test(t) && !/\bkubectl\b/.test(t)) return { skill: 'generate-chart' };
  if (/\b(manifest|yaml|apiversion)\b/.test(t)) return { skill: 'generate-manifest' };
  if (/\bkubectl\b|\bcommand\b|\bhow (do|can|would) i\b|\bhow to\b/.test(t)) return { skill: 'kubectl-command' };
  if (/\b(scale|restart|logs?|describe|delete|remove)\b/.test(t) && !/\b(create|generate|write|make|new)\b/.test(t)) return { skill: 'kubectl-command' };
  return { skill: 'generate-manifest' };
}

export function createDevAgent(ctx: AgentContext): AgentDefinition {
  const log = ctx.logger.child({ agent: 'dev' });
  const handler: TaskHandler = async (run) => {
    // An answer to the questions generate-chart asked on this task continues that skill.
    const previous = run.request?.task?.status?.state === TaskState.TASK_STATE_INPUT_REQUIRED ? previousChartSpec(messageData(run.request.task.status.message)) : undefined;
    const choice = previous ? { skill: 'generate-chart' as const } : chooseDevSkill(run.text, run.data);
    if ('unknown' in choice) {
      return {
        text: `This agent has no skill "${choice.unknown}". Its skills: generate-manifest (validated manifests from a plain request), generate-chart (a validated Helm chart) and kubectl-command (the kubectl command for a task).`,
        data: { understood: false, error: `unknown skill ${choice.unknown}`, skills: [...DEV_SKILLS] },
      };
    }
    const manifestField = run.data.find((d): d is { manifest: unknown } => isRecord(d) && 'manifest' in d)?.manifest;
    const manifest = typeof manifestField === 'string' ? manifestField : undefined;
    const client = ctx.mcp.kubernetes;
    log.debug({ skill: choice.skill, taskId: run.taskId }, 'dev task');
    const result: TaskResult =
      choice.skill === 'generate-manifest'
        ? await generateManifestSkill(client, run.text, manifest, run.progress, run.signal)
        : choice.skill === 'generate-chart'
          ? await generateChartSkill({ text: run.text, data: run.data, previous }, { helm: ctx.mcp.helm, kubernetes: client, progress: run.progress, signal: run.signal })
          : await kubectlCommandSkill(client, run.text, run.progress, run.signal);
    // Defence in depth: no value the request gave a secret may appear in the answer
    // (generate-chart scrubs its own answer, keeping the values asked for as plain config).
    return choice.skill === 'generate-chart' ? result : scrubValues(result, secretValuesIn(run.text));
  };
  // helm is optional: without it generate-chart says validation with helm was not possible.
  return { name: 'dev', mcpServers: ['kubernetes', 'helm'], handler };
}
