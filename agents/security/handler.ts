/** The security agent's task handler: picks the skill, runs it, returns text for a person and findings as data. */
import type { TaskHandler, TaskRunContext } from '../../shared/a2a/executor.js';
import type { TaskResult } from '../../shared/a2a/parts.js';
import type { ToolBox } from '../../shared/reasoning/engine.js';
import { type Finding, namespaceScores, refText, sortFindings } from './checks/index.js';
import { collectCluster, SYSTEM_NAMESPACES } from './collect.js';
import type { Fallback } from '../../shared/reasoning/llm/fallback.js';
import { manifestsFromData, parseManifests, reviewObjects, yamlFromText } from './manifest.js';
import { focusOf, postureFindings, renderFindings, summaryLine } from './report.js';
import { pickSkill } from './skills.js';

export interface SecurityHandlerOptions {
  /** The kubernetes MCP server's read tools (undefined when the wiring connected none). */
  tools: ToolBox | undefined;
  fallback: Fallback;
  /** Registries images may come from (config security.allowedRegistries); empty turns the image-registry check off. */
  allowedRegistries?: readonly string[] | undefined;
}

/** The report's line about the registry allow-list, so a reader knows whether the check ran. */
function registryNote(allowed: readonly string[]): string {
  return allowed.length ? `(Images are checked against the registry allow-list: ${allowed.join(', ')}.)` : '(No registry allow-list is configured (security.allowedRegistries): image registries are not checked.)';
}

/** The namespace a question names, matched against the live namespaces (longest name first). */
export function namespaceIn(text: string, namespaces: string[]): string | undefined {
  const lower = text.toLowerCase();
  return [...namespaces]
    .sort((a, b) => b.length - a.length)
    .find((ns) => new RegExp(`(^|[^a-z0-9-])${ns.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^a-z0-9-]|$)`).test(lower));
}

const findingData = (f: Finding) => ({ ...f, objectRef: refText(f.object) });

async function postureReport(ctx: TaskRunContext, tools: ToolBox | undefined, allowedRegistries: readonly string[]): Promise<TaskResult> {
  if (!tools) return { text: 'I cannot read the cluster: no kubernetes MCP server is connected to the security agent.', data: { skill: 'posture-report', error: 'no kubernetes tools' } };
  ctx.progress('Finding which namespaces the question names…');
  const nsList = await tools.callTool('k8s_list', { kind: 'namespaces', view: 'rows', limit: 1000 }, ctx.signal);
  const all = ((nsList.structuredContent as { items?: Array<{ name?: unknown }> } | undefined)?.items ?? []).map((i) => String(i.name ?? ''));
  const namespace = namespaceIn(ctx.text, all);
  const includeSystem = /\b(system namespaces?|all namespaces including|including kube-system)\b/i.test(ctx.text);
  const focus = focusOf(ctx.text);
  const objects = await collectCluster(tools, { namespace, includeSystem, signal: ctx.signal, progress: ctx.progress });
  ctx.progress(`Running checks on ${objects.pods.length} pods, ${objects.cronJobs.length} CronJobs, ${objects.namespaces.length} namespaces, ${objects.bindings.length} cluster-admin bindings and ${objects.roles.length} custom roles…`);
  const findings = postureFindings(objects, focus, { allowedRegistries });
  const scope = namespace ? `namespace ${namespace}` : 'the cluster';
  const notes = [
    ...(namespace || includeSystem ? [] : [`(System namespaces ${SYSTEM_NAMESPACES.join(', ')} are skipped; name one to include it.)`]),
    ...(focus ? [`(Only the checks the question asks about: ${[...focus].join(', ')}; ask for a security report for all of them.)`] : []),
    ...(objects.errors.length ? [`Could not read: ${objects.errors.join('; ')}.`] : []),
    registryNote(allowedRegistries),
  ];
  const title = `Security posture of ${scope}`;
  const text = findings.length ? renderFindings(title, findings, notes, objects.namespaces) : [`${title}: no findings in the checks run.`, ...notes].join('\n');
  return {
    text,
    data: {
      skill: 'posture-report',
      scope: namespace ? { namespace } : { cluster: true, skippedNamespaces: includeSystem ? [] : SYSTEM_NAMESPACES },
      checks: focus ? [...focus] : 'all',
      allowedRegistries,
      summary: summaryLine(findings),
      scores: namespaceScores(findings, objects.namespaces),
      findings: findings.map(findingData),
      inspected: { pods: objects.pods.length, cronJobs: objects.cronJobs.length, workloads: objects.workloads.length, podDisruptionBudgets: objects.podDisruptionBudgets?.length ?? null, autoscalers: objects.autoscalers.length, ingresses: objects.ingresses.length, configMaps: objects.configMaps.length, networkPolicies: objects.networkPolicies.length, namespaces: objects.namespaces, clusterAdminBindings: objects.bindings.length, customRoles: objects.roles.length },
      errors: objects.errors,
    },
  };
}

function reviewManifest(ctx: TaskRunContext, allowedRegistries: readonly string[]): TaskResult {
  const fromData = manifestsFromData(ctx.data);
  const yaml = yamlFromText(ctx.text);
  const fromText = yaml ? parseManifests(yaml) : { objects: [], errors: [] };
  const objects = [...fromData.objects, ...fromText.objects];
  const errors = [...fromData.errors, ...fromText.errors];
  if (!objects.length) {
    const why = errors.length ? ` The YAML did not parse: ${errors.join('; ')}.` : '';
    return {
      text: `I found no Kubernetes manifest to review.${why} Paste the YAML in the message (it should have apiVersion and kind) or send it as a data part { "manifest": "<yaml>" }.`,
      data: { skill: 'review-manifest', objects: [], findings: [], errors },
    };
  }
  ctx.progress(`Checking ${objects.length} object${objects.length === 1 ? '' : 's'}…`);
  const findings = sortFindings(reviewObjects(objects, { allowedRegistries }));
  const names = objects.map((o) => {
    const meta = (o.metadata ?? {}) as Record<string, unknown>;
    return `${String(o.kind)} ${typeof meta.name === 'string' ? meta.name : '(unnamed)'}`;
  });
  const title = `Security review of ${names.join(', ')}`;
  const verdict = findings.some((f) => f.severity === 'critical' || f.severity === 'high') ? 'Not safe to apply as is: fix the critical and high findings first.' : findings.length ? 'No critical or high findings; consider the rest.' : 'No findings: the manifest passes the pod, image, secret and RBAC checks.';
  const notes = [verdict, ...(errors.length ? [`Skipped unparsable YAML: ${errors.join('; ')}.`] : []), registryNote(allowedRegistries)];
  return {
    text: findings.length ? renderFindings(title, findings, notes) : `${title}: ${notes.join(' ')}`,
    data: { skill: 'review-manifest', objects: names, allowedRegistries, summary: summaryLine(findings), scores: namespaceScores(findings), safe: !findings.some((f) => f.severity === 'critical' || f.severity === 'high'), findings: findings.map(findingData), errors },
  };
}

export function createSecurityHandler(options: SecurityHandlerOptions): TaskHandler {
  const allowedRegistries = options.allowedRegistries ?? [];
  return async (ctx) => {
    const skill = pickSkill(ctx.text, ctx.data);
    if (skill === 'review-manifest') return reviewManifest(ctx, allowedRegistries);
    if (skill === 'posture-report') return postureReport(ctx, options.tools, allowedRegistries);
    return options.fallback(ctx.text, ctx);
  };
}
