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
import { namespaceBackupSkill } from './backup-plan.js';
import { nodeMaintenanceSkill } from './maintenance-skill.js';
import { nodeHealthReport, renderNode } from './nodes.js';
import { requestedSkill } from '../../shared/a2a/agent.js';
import { ADMIN_SKILLS, type AdminSkill, chooseAdminSkill } from './skills.js';
import { REMOVED_APIS, REMOVED_APIS_SOURCE, renderUpgradeReport, type UpgradeFinding, upgradeReadiness } from './upgrade.js';
import { versionReport } from './versions.js';
import { certificateReport, renderCertificateReport } from './certificates.js';
import { DEPRECATION_GUIDE } from './deprecations-catalog.js';
import { LIVE_KINDS, type LiveDeprecation, liveDeprecations, type WrittenObject } from './deprecations-live.js';
import { detectClusterKind, etcdGuidance, renderEtcdGuidance } from './etcd.js';
import { type ComponentVersion, imageTag, skewReport } from './skew.js';
import { parseVersion } from './versions.js';
import { mapLimit } from '../../shared/map-limit.js';
import { isRecord } from '../../shared/records.js';

export const ADMIN_SYSTEM_PROMPT = [
  'You are the admin agent of k8s-experts: a Kubernetes cluster-lifecycle specialist with read-only access to one cluster.',
  'You answer questions about control-plane, kubelet and kube-proxy versions and their skew, node health and maintenance state, readiness for upgrades (deprecated and removed APIs), certificate expiry, and how to back up etcd for this kind of cluster.',
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

const rec = (x: unknown): Record<string, unknown> => (isRecord(x) ? x : {});

/** Every component version the API shows: kubelets and kube-proxy from nodes, control-plane static pods' and kube-proxy pods' images. */
async function componentVersions(reads: AdminReads): Promise<{ nodes: Array<Record<string, unknown>>; components: ComponentVersion[] }> {
  const [nodes, controlPlane, proxies] = await Promise.all([reads.nodeObjects(), reads.kubeSystemPods('tier=control-plane'), reads.kubeSystemPods('k8s-app=kube-proxy')]);
  const components: ComponentVersion[] = [];
  const kubeletOf = new Map<string, string>();
  for (const n of nodes) {
    const name = String(rec(n.metadata).name ?? '');
    const info = rec(rec(n.status).nodeInfo);
    kubeletOf.set(name, String(info.kubeletVersion ?? ''));
    components.push({ component: 'kubelet', instance: name, version: String(info.kubeletVersion ?? '') || undefined, source: 'node status.nodeInfo.kubeletVersion' });
  }
  const imageOf = (pod: Record<string, unknown>) => {
    const containers = Array.isArray(rec(pod.spec).containers) ? (rec(pod.spec).containers as unknown[]) : [];
    return imageTag(String(rec(containers[0]).image ?? ''));
  };
  if (proxies.length) {
    for (const p of proxies) {
      const node = String(rec(p.spec).nodeName ?? '');
      components.push({ component: 'kube-proxy', instance: `${String(rec(p.metadata).name ?? '')} on ${node}`, version: imageOf(p), source: 'kube-proxy pod image', kubelet: kubeletOf.get(node) });
    }
  } else {
    // No kube-proxy pods: the kubelet's own report (deprecated field; host-process kube-proxy or none).
    for (const n of nodes) {
      const name = String(rec(n.metadata).name ?? '');
      const v = String(rec(rec(n.status).nodeInfo).kubeProxyVersion ?? '');
      components.push({ component: 'kube-proxy', instance: name, version: v || undefined, source: v ? 'node status.nodeInfo.kubeProxyVersion (reported by the kubelet)' : 'no kube-proxy pod and no nodeInfo.kubeProxyVersion', kubelet: kubeletOf.get(name) });
    }
  }
  for (const component of ['kube-controller-manager', 'kube-scheduler', 'etcd'] as const) {
    const pods = controlPlane.filter((p) => rec(rec(p.metadata).labels).component === component);
    if (!pods.length) components.push({ component, instance: 'control plane', version: undefined, source: 'no kube-system static pod: it runs outside the cluster (host process or managed control plane)' });
    for (const p of pods) components.push({ component, instance: String(rec(p.metadata).name ?? ''), version: imageOf(p), source: 'static pod image' });
  }
  // The operator's kubectl is on their machine, not in the cluster.
  components.push({ component: 'kubectl', instance: 'client', version: undefined, source: 'the kubectl client is not visible from the API: compare `kubectl version` yourself (±1 minor)' });
  return { nodes, components };
}

async function versions(reads: AdminReads, progress: (t: string) => void): Promise<TaskResult> {
  progress('Reading the API server, kubelet, kube-proxy and control-plane versions');
  const [api, nodes, { components }] = await Promise.all([reads.apiServerVersion(), reads.nodes(), componentVersions(reads)]);
  const report = versionReport(api, nodes);
  const skew = skewReport(api, components);
  const lines = [report.summary, ...report.kubelets.map((k) => `  ${k.node}: kubelet ${k.version}${k.problem ? ` — ${k.problem}` : ''}`), skew.summary];
  return { text: lines.join('\n'), data: { skill: 'cluster-versions', ...report, skew } };
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

/** Live use of deprecated or removed apiVersions (managedFields, last-applied), as upgrade findings for the next minor. */
async function liveApiFindings(reads: AdminReads, apiResources: Array<{ kind: string }>, current: { minor: number } | undefined): Promise<{ findings: UpgradeFinding[]; live: LiveDeprecation[]; written: WrittenObject[] }> {
  const served = new Set(apiResources.map((r) => r.kind));
  const written: WrittenObject[] = (await mapLimit(LIVE_KINDS.filter((k) => served.has(k)), 4, (k) => reads.writers(k).catch(() => [] as WrittenObject[]))).flat();
  if (!current) return { findings: [], live: [], written };
  // The next two minors: what the next one removes blocks, what the one after removes warns.
  const live = liveDeprecations(written, current.minor, current.minor + 2);
  const findings: UpgradeFinding[] = live.map((l) => {
    const blocks = l.status === 'removed-by-target' && l.removedIn !== null && Number(l.removedIn.slice(3)) <= current.minor + 1;
    const title =
      l.status === 'removed-already'
        ? `${l.kind} last written through ${l.apiVersion}, removed in ${l.removedIn}`
        : l.status === 'removed-by-target'
          ? `${l.kind} written through ${l.apiVersion}, not served from ${l.removedIn}`
          : `${l.kind} written through deprecated ${l.apiVersion}${l.removedIn ? ` (removed in ${l.removedIn})` : ' (no removal planned)'}`;
    const detail = l.status === 'removed-already' ? 're-applying the manifest or client that wrote it fails on this server already' : l.status === 'removed-by-target' ? `clients or manifests still write it this way (${DEPRECATION_GUIDE})` : 'still served; migrate before it is removed';
    return { check: 'removed-apis', severity: blocks ? 'blocker' : 'warning', title, objects: l.objects, detail, fix: `use ${l.replacement ?? 'a supported API (see the guide)'}` };
  });
  return { findings, live, written };
}

async function upgrade(reads: AdminReads, progress: (t: string) => void): Promise<TaskResult> {
  progress('Reading versions and nodes');
  const [api, nodes] = await Promise.all([reads.apiServerVersion(), reads.nodes()]);
  progress('Reading PodDisruptionBudgets, Deployments and StatefulSets');
  const [pdbs, deployments, statefulsets] = await Promise.all([reads.rows('poddisruptionbudgets'), reads.rows('deployments'), reads.rows('statefulsets')]);
  progress('Reading pending pods and the APIs the server serves');
  const [pending, apiResources] = await Promise.all([reads.rows('pods', { fieldSelector: 'status.phase=Pending', wide: true }), reads.apiResources()]);
  const current = parseVersion(api);
  progress('Reading which apiVersions objects were written through (managedFields, last-applied) and component versions');
  const [{ findings: apiFindings, live, written }, { components }] = await Promise.all([liveApiFindings(reads, apiResources, current), componentVersions(reads)]);
  // Kubelets are judged by upgradeReadiness itself; the other components against the next minor here.
  const skew = current ? skewReport(`v${current.major}.${current.minor + 1}.0`, components) : undefined;
  const outside = skew?.rows.filter((r) => r.status === 'violation' && r.component !== 'kubelet') ?? [];
  const skewFindings: UpgradeFinding[] = outside.length
    ? [{ check: 'version-skew', severity: 'blocker', title: `components outside the skew policy after v${current!.major}.${current!.minor + 1}`, objects: outside.map((r) => `${r.component} ${r.instance} ${r.version ?? ''}`.trim()), detail: outside.map((r) => r.problem).join('; '), fix: 'upgrade them with the control plane (controller-manager and scheduler right after the API server)' }]
    : [];
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
    extraFindings: [...apiFindings, ...skewFindings],
  });
  const liveApis = {
    objectsChecked: written.length,
    kinds: [...new Set(written.map((w) => w.kind))],
    findings: live,
    metric: 'apiserver_requested_deprecated_apis is not reachable through the kubernetes MCP tools (no raw /metrics access)',
  };
  const text = [
    renderUpgradeReport(report, REMOVED_APIS.length),
    `Live objects: ${written.length} checked for the apiVersions they were written through (managedFields, last-applied) — ${live.length ? `${live.length} deprecated or removed apiVersion(s) in use` : 'none through a deprecated or removed apiVersion'}.`,
    ...(skew ? [skew.summary.replace(/^/, `Component skew against v${current!.major}.${current!.minor + 1}: `)] : []),
  ].join('\n');
  return { text, data: { skill: 'upgrade-readiness', ...report, liveApis, ...(skew ? { skew } : {}), removedApisSource: REMOVED_APIS_SOURCE } };
}

async function certificatesSkill(reads: AdminReads, progress: (t: string) => void): Promise<TaskResult> {
  progress('Reading certificates (TLS Secrets, cert-manager, the API server) — parsed by the MCP server, no PEM leaves it');
  const report = certificateReport(await reads.certificates());
  return { text: renderCertificateReport(report), data: { skill: 'certificates', ...report } };
}

async function etcdBackupSkill(reads: AdminReads, progress: (t: string) => void): Promise<TaskResult> {
  progress('Working out what kind of cluster this is');
  const [api, nodes, pods, apiResources] = await Promise.all([reads.apiServerVersion(), reads.nodeObjects(), reads.kubeSystemPods(undefined, 50), reads.apiResources()]);
  const systemPods = pods.map((p) => ({ name: String(rec(p.metadata).name ?? ''), labels: rec(rec(p.metadata).labels) as Record<string, string> }));
  const apiGroups = [...new Set(apiResources.map((r) => (r.apiVersion.includes('/') ? r.apiVersion.split('/')[0]! : '')))];
  const detection = detectClusterKind({ apiServerVersion: api, nodes, kubeSystemPods: systemPods, apiGroups });
  const guidance = etcdGuidance(detection);
  return { text: renderEtcdGuidance(guidance), data: { skill: 'etcd-backup', ...guidance } };
}

interface SkillRun {
  reads: AdminReads;
  client: Client;
  text: string;
  progress: (t: string) => void;
  signal: AbortSignal;
}
type SkillRunner = (run: SkillRun) => Promise<TaskResult>;

/** One runner per skill: a new skill is one line here (and its id in skills.ts and the card). */
const SKILL_RUNNERS: Record<AdminSkill, SkillRunner> = {
  'cluster-versions': ({ reads, progress }) => versions(reads, progress),
  'node-health': ({ reads, text, progress }) => nodeHealthSkill(reads, text, progress),
  'upgrade-readiness': ({ reads, progress }) => upgrade(reads, progress),
  certificates: ({ reads, progress }) => certificatesSkill(reads, progress),
  'etcd-backup': ({ reads, progress }) => etcdBackupSkill(reads, progress),
  'node-maintenance': ({ client, text, progress, signal }) => nodeMaintenanceSkill(client, text, progress, signal),
  'namespace-backup': ({ reads, text, progress }) => namespaceBackupSkill(reads, text, progress),
};

export function adminHandler(tools: ToolBox, client: Client, config: Config, logger: Logger): TaskHandler {
  const fallback = llmFallback({
    agent: 'admin',
    config,
    logger,
    tools,
    systemPrompt: ADMIN_SYSTEM_PROMPT,
    skills: "the cluster's versions and component skew (cluster-versions), node health and maintenance state (node-health), upgrade readiness with deprecated and removed APIs (upgrade-readiness), certificate expiry (certificates), etcd backup guidance (etcd-backup), node maintenance plans (node-maintenance) and namespace backups (namespace-backup)",
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
      result = await SKILL_RUNNERS[skill]({ reads, client, text: ctx.text, progress, signal: ctx.signal });
    } catch (e) {
      // A tool's own refusal (RBAC, an unreachable cluster) is an answer, not a crash.
      if (!isUserError(e) || ctx.signal.aborted) throw e;
      result = { text: `I could not finish ${skill}: ${errorMessage(e)}${e.fix ? ` (${e.fix})` : ''}.`, data: { error: errorMessage(e) } };
    }
    return { ...result, data: { ...(result.data as Record<string, unknown>), skill, chosenBy: requested ? 'caller' : 'agent' } };
  };
}
