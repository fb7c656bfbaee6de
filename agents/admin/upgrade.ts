/**
 * A first upgrade-readiness report, pure: what stands in the way of the next minor version.
 * Each finding has a severity and a fix; `blocker` findings make the verdict "not ready".
 */
import { type NodeRecord, nodeHealth } from './nodes.js';
import { MAX_KUBELET_SKEW, minorsBehind, parseVersion } from './versions.js';
import { API_DEPRECATIONS, DEPRECATION_GUIDE } from './deprecations-catalog.js';

/**
 * API versions Kubernetes stops serving, grouped by apiVersion, derived from the catalog in
 * deprecations-catalog.ts (the Deprecated API Migration Guide). `removedIn` is the minor version
 * that no longer serves it.
 */
export const REMOVED_APIS: ReadonlyArray<{ apiVersion: string; kinds: string[]; removedIn: number; use: string }> = (() => {
  const groups = new Map<string, { apiVersion: string; kinds: string[]; removedIn: number; use: string }>();
  for (const d of API_DEPRECATIONS) {
    if (d.removedIn === null) continue;
    const key = `${d.apiVersion} ${d.removedIn}`;
    const g = groups.get(key) ?? { apiVersion: d.apiVersion, kinds: [], removedIn: d.removedIn, use: '' };
    g.kinds.push(d.kind);
    const use = d.replacement ?? 'no replacement (see the guide)';
    if (!g.use.split(' / ').includes(use)) g.use = g.use ? `${g.use} / ${use}` : use;
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => b.removedIn - a.removedIn);
})();
export const REMOVED_APIS_SOURCE = DEPRECATION_GUIDE;

export type Severity = 'blocker' | 'warning' | 'info';

export interface UpgradeFinding {
  check: 'version-skew' | 'node-not-ready' | 'node-cordoned' | 'pdb-blocks-drain' | 'single-replica' | 'pending-pods' | 'removed-apis';
  severity: Severity;
  title: string;
  objects: string[];
  detail: string;
  fix: string;
}

export interface UpgradeInputs {
  apiServerVersion: string | undefined;
  nodes: NodeRecord[];
  /** PodDisruptionBudgets as `kubectl get pdb` rows. */
  pdbs: Array<{ namespace?: string; name?: string; allowedDisruptions?: number | string | null }>;
  /** Deployments and StatefulSets with their desired replicas. */
  workloads: Array<{ kind: string; namespace?: string; name?: string; replicas?: number | null }>;
  /** Pods in phase Pending; `node` is where they are bound (none / '<none>': not scheduled). */
  pendingPods: Array<{ namespace?: string; name?: string; node?: string | null }>;
  /** What the API server serves (k8s_api_resources). */
  apiResources: Array<{ apiVersion?: string; kind?: string }>;
  /** Findings worked out elsewhere (live deprecated-API use, component skew), judged with the rest. */
  extraFindings?: UpgradeFinding[];
}

export interface UpgradeReport {
  current: string | undefined;
  target: string | undefined;
  ready: boolean;
  findings: UpgradeFinding[];
  checks: string[];
  summary: string;
}

const ref = (o: { namespace?: string | undefined; name?: string | undefined }) => (o.namespace ? `${o.namespace}/${o.name ?? '?'}` : (o.name ?? '?'));
const arr = <T>(x: T[] | null | undefined): T[] => (Array.isArray(x) ? x : []);

export function upgradeReadiness(input: UpgradeInputs): UpgradeReport {
  const api = parseVersion(input.apiServerVersion);
  const nextMinor = api ? api.minor + 1 : undefined;
  const target = api ? `v${api.major}.${nextMinor}` : undefined;
  const findings: UpgradeFinding[] = [];
  const nodes = arr(input.nodes);

  // Version skew: kubelets must stay within MAX_KUBELET_SKEW minors of the API server after the upgrade.
  if (api) {
    const next = { ...api, minor: api.minor + 1, patch: 0, raw: target! };
    const newer = nodes.filter((n) => (minorsBehind(parseVersion(n?.version), api) ?? 0) < 0);
    const tooOld = nodes.filter((n) => (minorsBehind(parseVersion(n?.version), next) ?? 0) > MAX_KUBELET_SKEW);
    const unreadable = nodes.filter((n) => !parseVersion(n?.version));
    if (newer.length) findings.push({ check: 'version-skew', severity: 'blocker', title: 'kubelets newer than the API server', objects: newer.map((n) => `${n.name} ${n.version}`), detail: `a kubelet must not be newer than kube-apiserver (${api.raw})`, fix: 'upgrade the control plane first, or downgrade those kubelets' });
    if (tooOld.length) findings.push({ check: 'version-skew', severity: 'blocker', title: `kubelets too old for ${target}`, objects: tooOld.map((n) => `${n.name} ${n.version}`), detail: `after the upgrade they would be more than ${MAX_KUBELET_SKEW} minor versions behind the API server`, fix: 'upgrade these nodes\' kubelets before the control plane' });
    if (unreadable.length) findings.push({ check: 'version-skew', severity: 'warning', title: 'nodes without a readable kubelet version', objects: unreadable.map((n) => n.name ?? '?'), detail: 'their skew cannot be checked', fix: 'check these nodes (kubectl describe node)' });
    const distinct = new Set(nodes.map((n) => n?.version).filter(Boolean));
    if (distinct.size > 1 && !newer.length && !tooOld.length) findings.push({ check: 'version-skew', severity: 'info', title: 'mixed kubelet versions', objects: [...distinct].map(String), detail: 'kubelets run different versions (within the skew policy)', fix: 'bring the nodes to one version as part of the upgrade' });
  } else {
    findings.push({ check: 'version-skew', severity: 'warning', title: 'API server version unknown', objects: [], detail: 'the skew and the next version cannot be worked out', fix: 'check that the kubernetes MCP server can reach the API server' });
  }

  const health = nodes.map((n) => nodeHealth(n));
  const notReady = health.filter((h) => !h.ready);
  if (notReady.length) findings.push({ check: 'node-not-ready', severity: 'blocker', title: 'nodes not Ready', objects: notReady.map((h) => h.name), detail: notReady.map((h) => `${h.name}: ${h.problems.join(', ')}`).join('; '), fix: 'bring the nodes back to Ready (or remove them) before upgrading: a rolling node upgrade needs spare, healthy capacity' });
  const cordoned = health.filter((h) => h.cordoned);
  if (cordoned.length) findings.push({ check: 'node-cordoned', severity: 'warning', title: 'cordoned nodes', objects: cordoned.map((h) => h.name), detail: 'they take no new pods, so pods drained from other nodes cannot land there', fix: 'uncordon them once their maintenance is done (kubectl uncordon)' });

  const blockingPdbs = arr(input.pdbs).filter((p) => p && Number(p.allowedDisruptions) === 0 && p.allowedDisruptions !== null && p.allowedDisruptions !== undefined && p.allowedDisruptions !== '');
  if (blockingPdbs.length) findings.push({ check: 'pdb-blocks-drain', severity: 'blocker', title: 'PodDisruptionBudgets allowing 0 disruptions', objects: blockingPdbs.map(ref), detail: 'a node drain waits forever on the pods these budgets protect', fix: 'scale the workloads up so the budget allows a disruption, or relax minAvailable/maxUnavailable for the upgrade window' });

  const single = arr(input.workloads).filter((w) => w && w.replicas === 1);
  if (single.length) findings.push({ check: 'single-replica', severity: 'warning', title: 'single-replica workloads', objects: single.map((w) => `${w.kind.toLowerCase()}/${ref(w)}`), detail: 'draining the node they run on takes them down until they are rescheduled', fix: 'run at least 2 replicas (with a PodDisruptionBudget) for anything that must stay up during node upgrades, or accept the downtime' });

  const pending = arr(input.pendingPods).filter(Boolean);
  const unscheduled = pending.filter((p) => !p.node || p.node === '<none>');
  const notStarting = pending.filter((p) => p.node && p.node !== '<none>');
  if (unscheduled.length) findings.push({ check: 'pending-pods', severity: 'warning', title: 'pending pods no node can take', objects: unscheduled.map(ref), detail: 'the cluster already lacks room (or a matching node) for these; draining nodes during the upgrade makes capacity tighter still', fix: 'resolve why they are unschedulable (ops: diagnose-workload) or add capacity before upgrading, so drained pods have somewhere to go' });
  if (notStarting.length) findings.push({ check: 'pending-pods', severity: 'info', title: 'pending pods whose containers do not start', objects: notStarting.map(ref), detail: 'scheduled but not starting (image, config): they will not start on an upgraded node either', fix: 'fix them first (ops: diagnose-workload), so a failure after the upgrade is not blamed on it' });

  if (nextMinor !== undefined) {
    const served = new Set(arr(input.apiResources).map((r) => `${r?.apiVersion ?? ''} ${r?.kind ?? ''}`));
    const removed = REMOVED_APIS.filter((r) => r.removedIn <= nextMinor && api!.major === 1).flatMap((r) => r.kinds.filter((k) => served.has(`${r.apiVersion} ${k}`)).map((k) => ({ ...r, kind: k })));
    if (removed.length) {
      findings.push({ check: 'removed-apis', severity: 'blocker', title: `APIs not served in ${target}`, objects: removed.map((r) => `${r.kind} ${r.apiVersion} (removed in v1.${r.removedIn})`), detail: `the cluster serves API versions that ${target} no longer serves (${REMOVED_APIS_SOURCE})`, fix: `migrate manifests and clients: ${[...new Set(removed.map((r) => `${r.apiVersion} → ${r.use}`))].join('; ')}` });
    }
  }

  findings.push(...arr(input.extraFindings));
  const blockers = findings.filter((f) => f.severity === 'blocker');
  const warnings = findings.filter((f) => f.severity === 'warning');
  const ready = blockers.length === 0;
  const checks = ['version-skew', 'node-not-ready', 'node-cordoned', 'pdb-blocks-drain', 'single-replica', 'pending-pods', 'removed-apis'];
  const summary = `${ready ? 'Ready' : 'Not ready'} to upgrade${api ? ` from ${api.raw} to ${target}` : ''}: ${blockers.length} blocker(s), ${warnings.length} warning(s)${findings.length - blockers.length - warnings.length ? `, ${findings.length - blockers.length - warnings.length} note(s)` : ''}.`;
  return { current: api?.raw ?? input.apiServerVersion, target, ready, findings, checks, summary };
}

export function renderUpgradeReport(r: UpgradeReport, removedApisChecked: number): string {
  const lines = [r.summary];
  for (const f of r.findings) {
    lines.push(`[${f.severity}] ${f.title}${f.objects.length ? `: ${f.objects.join(', ')}` : ''}`, `  ${f.detail}`, `  Fix: ${f.fix}`);
  }
  if (!r.findings.some((f) => f.check === 'removed-apis') && r.target) lines.push(`No served API is removed in ${r.target} (checked against ${removedApisChecked} removed API versions from ${REMOVED_APIS_SOURCE}).`);
  return lines.join('\n');
}
