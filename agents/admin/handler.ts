/** admin's task handler: picks the skill (the router's `{ skill }` data part wins), runs it, answers text + data. */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { TaskHandler } from '../../shared/a2a/executor.js';
import type { TaskResult } from '../../shared/a2a/parts.js';
import type { Config } from '../../shared/config.js';
import { errorMessage, isUserError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { ToolBox } from '../../shared/reasoning/engine.js';
import { llmFallback } from '../../shared/reasoning/llm/fallback.js';
import { AdminReads, desiredOf } from './cluster.js';
import { nodeHealthReport, renderNode } from './nodes.js';
import { requestedSkill } from '../../shared/a2a/agent.js';
import { ADMIN_SKILLS, type AdminSkill, chooseAdminSkill } from './skills.js';
import { REMOVED_APIS, REMOVED_APIS_SOURCE, renderUpgradeReport, upgradeReadiness } from './upgrade.js';
import { versionReport } from './versions.js';

export const ADMIN_SYSTEM_PROMPT = [
  'You are the admin agent of k8s-experts: a Kubernetes cluster-lifecycle specialist with read-only access to one cluster.',
  'You answer questions about control-plane and kubelet versions, node health and maintenance state, and readiness for upgrades.',
  'Use the kubernetes tools to look before you answer; you cannot change anything in the cluster.',
].join('\n');

const podsPerNode = (rows: Array<Record<string, unknown>>) => {
  const out: Record<string, number> = {};
  for (const r of rows) {
    const node = String(r.node ?? '');
    if (node && node !== '<none>') out[node] = (out[node] ?? 0) + 1;
  }
  return out;
};

async function versions(reads: AdminReads, progress: (t: string) => void): Promise<TaskResult> {
  progress('Reading the API server and kubelet versions');
  const [api, nodes] = await Promise.all([reads.apiServerVersion(), reads.nodes()]);
  const report = versionReport(api, nodes);
  const lines = [report.summary, ...report.kubelets.map((k) => `  ${k.node}: kubelet ${k.version}${k.problem ? ` — ${k.problem}` : ''}`)];
  return { text: lines.join('\n'), data: { skill: 'cluster-versions', ...report } };
}

async function nodeHealthSkill(reads: AdminReads, text: string, progress: (t: string) => void): Promise<TaskResult> {
  progress('Reading nodes, the pods bound to them and their usage');
  const [nodes, pods, usage] = await Promise.all([reads.nodes(), reads.rows('pods', { wide: true }), reads.nodeUsage()]);
  const report = nodeHealthReport(nodes, podsPerNode(pods), usage);
  // A question about named nodes shows those; the summary still covers all.
  const named = report.nodes.filter((n) => new RegExp(`\\b${n.name.replace(/[.]/g, '\\.')}\\b`, 'i').test(text));
  const shown = named.length ? named : report.nodes;
  return { text: [report.summary, ...shown.map(renderNode)].join('\n'), data: { skill: 'node-health', ...report, ...(named.length ? { asked: named.map((n) => n.name) } : {}) } };
}

async function upgrade(reads: AdminReads, progress: (t: string) => void): Promise<TaskResult> {
  progress('Reading versions and nodes');
  const [api, nodes] = await Promise.all([reads.apiServerVersion(), reads.nodes()]);
  progress('Reading PodDisruptionBudgets, Deployments and StatefulSets');
  const [pdbs, deployments, statefulsets] = await Promise.all([reads.rows('poddisruptionbudgets'), reads.rows('deployments'), reads.rows('statefulsets')]);
  progress('Reading pending pods and the APIs the server serves');
  const [pending, apiResources] = await Promise.all([reads.rows('pods', { fieldSelector: 'status.phase=Pending', wide: true }), reads.apiResources()]);
  const report = upgradeReadiness({
    apiServerVersion: api,
    nodes,
    pdbs: pdbs.map((p) => ({ namespace: String(p.namespace ?? ''), name: String(p.name ?? ''), allowedDisruptions: p.allowedDisruptions as number | string | null })),
    workloads: [
      ...deployments.map((d) => ({ kind: 'Deployment', namespace: String(d.namespace ?? ''), name: String(d.name ?? ''), replicas: desiredOf(d.ready) ?? null })),
      ...statefulsets.map((s) => ({ kind: 'StatefulSet', namespace: String(s.namespace ?? ''), name: String(s.name ?? ''), replicas: desiredOf(s.ready) ?? null })),
    ],
    pendingPods: pending.map((p) => ({ namespace: String(p.namespace ?? ''), name: String(p.name ?? ''), node: p.node === null || p.node === undefined ? null : String(p.node) })),
    apiResources,
  });
  return { text: renderUpgradeReport(report, REMOVED_APIS.length), data: { skill: 'upgrade-readiness', ...report, removedApisSource: REMOVED_APIS_SOURCE } };
}

export function adminHandler(tools: ToolBox, client: Client, config: Config, logger: Logger): TaskHandler {
  const fallback = llmFallback({
    agent: 'admin',
    config,
    logger,
    tools,
    systemPrompt: ADMIN_SYSTEM_PROMPT,
    skills: "the cluster's versions and kubelet skew (cluster-versions), node health and maintenance state (node-health), and a first upgrade-readiness report (upgrade-readiness)",
    skillIds: ADMIN_SKILLS,
  });
  return async (ctx) => {
    const requested = requestedSkill(ctx.data, ADMIN_SKILLS);
    if (requested && 'unknown' in requested) {
      return { text: `admin has no skill "${requested.unknown}"; its skills are ${ADMIN_SKILLS.join(', ')}.`, data: { error: 'unknown-skill', skill: requested.unknown, skills: [...ADMIN_SKILLS] } };
    }
    const skill: AdminSkill | undefined = requested?.skill ?? chooseAdminSkill(ctx.text);
    if (!skill) return fallback(ctx.text, ctx);
    const reads = new AdminReads(tools, client, ctx.signal);
    const progress = (t: string) => ctx.progress(t, { skill });
    let result: TaskResult;
    try {
      result = skill === 'cluster-versions' ? await versions(reads, progress) : skill === 'node-health' ? await nodeHealthSkill(reads, ctx.text, progress) : await upgrade(reads, progress);
    } catch (e) {
      // A tool's own refusal (RBAC, an unreachable cluster) is an answer, not a crash.
      if (!isUserError(e) || ctx.signal.aborted) throw e;
      result = { text: `I could not finish ${skill}: ${errorMessage(e)}${e.fix ? ` (${e.fix})` : ''}.`, data: { error: errorMessage(e) } };
    }
    return { ...result, data: { ...(result.data as Record<string, unknown>), skill, chosenBy: requested ? 'caller' : 'agent' } };
  };
}
