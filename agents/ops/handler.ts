/** ops' task handler: picks the skill (the router's `{ skill }` data part wins), runs it, answers text + data. */
import type { TaskHandler } from '../../shared/a2a/executor.js';
import type { TaskResult } from '../../shared/a2a/parts.js';
import type { Config } from '../../shared/config.js';
import { errorMessage, isUserError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { ToolBox } from '../../shared/reasoning/engine.js';
import { Cluster } from './cluster.js';
import { runConnectivity } from './connectivity-run.js';
import { runDiagnose } from './diagnose-run.js';
import { runAnalyze } from './analyzers/run.js';
import { ClusterQuery } from './query.js';
import { requestedSkill } from '../../shared/a2a/agent.js';
import { chooseOpsSkill, OPS_SKILLS, type OpsSkill } from './skills.js';
import { findingsExplainer, withExplanation } from '../../shared/reasoning/llm/explain.js';

/** Skills whose answers are findings a model may explain (never replace). */
const EXPLAINED: readonly OpsSkill[] = ['analyze-cluster', 'diagnose-workload'];

/** Whether an answer holds something to explain: findings, or a root-cause chain. */
function hasFindings(data: unknown): boolean {
  const d = data as { findings?: unknown; chain?: unknown } | undefined;
  return (Array.isArray(d?.findings) && d.findings.length > 0) || (Array.isArray(d?.chain) && d.chain.length > 0);
}

export function opsHandler(tools: ToolBox, config: Config, logger: Logger): TaskHandler {
  const query = new ClusterQuery(tools, config, logger);
  const explainer = findingsExplainer(config.llm, logger);
  return async (ctx) => {
    const asked = requestedSkill(ctx.data, OPS_SKILLS);
    if (asked && 'unknown' in asked) {
      return { text: `ops has no skill "${asked.unknown}"; its skills are ${OPS_SKILLS.join(', ')}.`, data: { error: 'unknown-skill', skill: asked.unknown, skills: [...OPS_SKILLS] } };
    }
    const text = ctx.text.trim();
    if (!text) return { text: `Ask ops a question about the cluster (its skills: ${OPS_SKILLS.join(', ')}).`, data: { error: 'empty-request', skills: [...OPS_SKILLS] } };
    const requested = asked?.skill;
    const skill: OpsSkill = requested ?? chooseOpsSkill(text);
    logger.debug({ skill, requested: Boolean(requested) }, 'ops skill');
    const progress = (t: string) => ctx.progress(t, { skill });
    const cluster = new Cluster(tools, ctx.signal);
    let result: TaskResult;
    try {
      result =
        skill === 'diagnose-workload'
          ? await runDiagnose(cluster, text, progress, ctx.signal)
          : skill === 'service-connectivity'
            ? await runConnectivity(cluster, text, progress)
            : skill === 'analyze-cluster'
              ? await runAnalyze(tools, text, progress, { signal: ctx.signal })
              : await query.run(text, ctx.signal, progress);
    } catch (e) {
      // A tool's own refusal (RBAC, a missing object, an unreachable cluster) is an answer, not a crash.
      if (!isUserError(e) || ctx.signal.aborted) throw e;
      result = { text: `I could not finish ${skill}: ${errorMessage(e)}${e.fix ? ` (${e.fix})` : ''}.`, data: { error: errorMessage(e) } };
    }
    if (explainer && EXPLAINED.includes(skill) && hasFindings(result.data)) {
      progress('Asking the model to explain the findings');
      result = withExplanation(result, await explainer.explain({ question: text, findings: result.text, signal: ctx.signal }));
    }
    return { ...result, data: { ...(result.data as Record<string, unknown>), skill, chosenBy: requested ? 'caller' : 'agent' } };
  };
}
