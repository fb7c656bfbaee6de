/**
 * Node maintenance plans, pure: in which order to cordon and drain nodes so PodDisruptionBudgets
 * hold, what a drain would lose (pods without a controller, emptyDir data), and whether the
 * nodes that stay schedulable can take the evicted pods (by requests, first fit).
 */
import { selectorMatches, selectorText } from '../../shared/policy/selector.js';

export interface Taint {
  key: string;
  value?: string | undefined;
  effect: string;
}
export interface Toleration {
  key?: string | undefined;
  operator?: string | undefined;
  value?: string | undefined;
  effect?: string | undefined;
}
export interface Resources {
  cpuMilli: number;
  memoryBytes: number;
}

export interface MaintenanceNode {
  name: string;
  labels: Record<string, string>;
  taints: Taint[];
  unschedulable: boolean;
  ready: boolean;
  allocatable: Resources & { pods: number };
}

export interface MaintenancePod {
  namespace: string;
  name: string;
  nodeName: string | undefined;
  /** Pending, Running, Succeeded, Failed, Unknown. */
  phase: string;
  labels: Record<string, string>;
  /** The controlling owner, when there is one. */
  controller?: { kind: string; name: string } | undefined;
  mirror: boolean;
  emptyDir: boolean;
  requests: Resources;
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
  /** Affinity or topology spread: placement the simple check cannot follow. */
  hasAffinity: boolean;
}

export interface MaintenancePdb {
  namespace: string;
  name: string;
  /** policy/v1: an empty selector selects every pod of the namespace; none selects nothing. */
  selector: { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }> } | undefined;
  disruptionsAllowed: number;
}

export interface PodRef {
  namespace: string;
  name: string;
}

export interface NodeStep {
  node: string;
  /** Pods the drain evicts. */
  evicted: PodRef[];
  daemonSetPods: number;
  /** Not recreated by anything: lost by the drain (kubectl needs --force). */
  unmanaged: PodRef[];
  /** Pods whose emptyDir data is lost. */
  emptyDir: PodRef[];
  /** PDBs with pods on this node: how many of theirs the node holds and how many disruptions they allow now. */
  pdbs: Array<{ namespace: string; name: string; podsHere: number; disruptionsAllowed: number; alsoOn: string[] }>;
  /** Why draining it now would be refused or stall, with the fix. */
  blocked?: { reason: string; fix: string } | undefined;
  requests: Resources & { pods: number };
  capacity: CapacityCheck;
  commands: string[];
}

export interface CapacityRow {
  node: string;
  allocatable: Resources & { pods: number };
  requestedBefore: Resources & { pods: number };
  requestedAfter: Resources & { pods: number };
}

export interface CapacityCheck {
  rows: CapacityRow[];
  /** Evicted pods no remaining node can take (by requests, selectors, taints). */
  unplaced: Array<PodRef & { why: string }>;
  fits: boolean;
}

export interface MaintenancePlan {
  targets: string[];
  steps: NodeStep[];
  blocked: string[];
  /** True when some placement could not be judged exactly (affinity, spread, ports, volumes). */
  approximate: boolean;
  notes: string[];
  summary: string;
}

const CPU = /^(\d+(?:\.\d+)?)(m|k|M|G)?$/;
const MEMORY_UNITS: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5 };

/** "250m" → 250, "2" → 2000 (millicores); unreadable → 0. */
export function cpuMilli(q: string | number | undefined): number {
  if (typeof q === 'number') return q * 1000;
  const m = CPU.exec(q ?? '');
  if (!m) return 0;
  const n = Number(m[1]);
  return Math.round(m[2] === 'm' ? n : m[2] === 'k' ? n * 1e6 : m[2] === 'M' ? n * 1e9 : m[2] === 'G' ? n * 1e12 : n * 1000);
}

/** "128Mi" → 134217728, "1G" → 1e9, "1e3" → 1000; unreadable → 0. */
export function memoryBytes(q: string | number | undefined): number {
  if (typeof q === 'number') return q;
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)(Ki|Mi|Gi|Ti|Pi|k|K|M|G|T|P)?$/.exec(q ?? '');
  return m ? Math.round(Number(m[1]) * (MEMORY_UNITS[m[2] ?? ''] ?? 1)) : 0;
}

const isFinished = (p: MaintenancePod) => p.phase === 'Succeeded' || p.phase === 'Failed';
const ref = (p: MaintenancePod): PodRef => ({ namespace: p.namespace, name: p.name });
const sum = (pods: MaintenancePod[]) => ({ cpuMilli: pods.reduce((a, p) => a + p.requests.cpuMilli, 0), memoryBytes: pods.reduce((a, p) => a + p.requests.memoryBytes, 0), pods: pods.length });

/** Whether a pod may land on a node: nodeSelector labels, and NoSchedule/NoExecute taints tolerated. */
export function podFitsNodeRules(pod: MaintenancePod, node: MaintenanceNode): string | undefined {
  const wrong = Object.entries(pod.nodeSelector).filter(([k, v]) => node.labels[k] !== v);
  if (wrong.length) return `nodeSelector ${wrong.map(([k, v]) => `${k}=${v}`).join(',')}`;
  const untolerated = node.taints.filter((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !pod.tolerations.some((tol) => tolerates(tol, t)));
  if (untolerated.length) return `taint ${untolerated.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(',')}`;
  return undefined;
}

function tolerates(tol: Toleration, taint: Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (!tol.key) return tol.operator === 'Exists';
  if (tol.key !== taint.key) return false;
  return tol.operator === 'Exists' || (tol.value ?? '') === (taint.value ?? '');
}

/** Places evicted pods on the other schedulable nodes, largest first, first fit by requests. */
export function checkCapacity(evicted: MaintenancePod[], drained: string, nodes: MaintenanceNode[], pods: MaintenancePod[]): CapacityCheck {
  const remaining = nodes.filter((n) => n.name !== drained && !n.unschedulable && n.ready);
  const used = new Map(remaining.map((n) => [n.name, sum(pods.filter((p) => p.nodeName === n.name && !isFinished(p)))]));
  const before = new Map([...used].map(([k, v]) => [k, { ...v }]));
  const unplaced: CapacityCheck['unplaced'] = [];
  const order = [...evicted].sort((a, b) => b.requests.cpuMilli - a.requests.cpuMilli || b.requests.memoryBytes - a.requests.memoryBytes);
  for (const pod of order) {
    const reasons: string[] = [];
    const target = remaining.find((n) => {
      const rule = podFitsNodeRules(pod, n);
      if (rule) return reasons.push(`${n.name}: ${rule}`) && false;
      const u = used.get(n.name)!;
      const short = [u.cpuMilli + pod.requests.cpuMilli > n.allocatable.cpuMilli ? 'cpu' : '', u.memoryBytes + pod.requests.memoryBytes > n.allocatable.memoryBytes ? 'memory' : '', u.pods + 1 > n.allocatable.pods ? 'pods' : ''].filter(Boolean);
      if (short.length) return reasons.push(`${n.name}: not enough ${short.join(', ')}`) && false;
      return true;
    });
    if (!target) {
      unplaced.push({ ...ref(pod), why: remaining.length ? reasons.join('; ') : 'no other schedulable, Ready node' });
      continue;
    }
    const u = used.get(target.name)!;
    u.cpuMilli += pod.requests.cpuMilli;
    u.memoryBytes += pod.requests.memoryBytes;
    u.pods += 1;
  }
  const rows = remaining.map((n) => ({ node: n.name, allocatable: n.allocatable, requestedBefore: before.get(n.name)!, requestedAfter: used.get(n.name)! }));
  return { rows, unplaced, fits: unplaced.length === 0 };
}

const DRAIN_TIMEOUT = '300s';

/** A maintenance plan for `targets` (node names; all nodes for a rolling upgrade). */
export function planMaintenance(input: { targets: string[]; nodes: MaintenanceNode[]; pods: MaintenancePod[]; pdbs: MaintenancePdb[] }): MaintenancePlan {
  const { nodes, pods, pdbs } = input;
  const targets = [...new Set(input.targets)];
  const podsOn = (node: string) => pods.filter((p) => p.nodeName === node && !isFinished(p));
  const evictable = (p: MaintenancePod) => !p.mirror && p.controller?.kind !== 'DaemonSet';
  const pdbsOf = (p: MaintenancePod) => pdbs.filter((b) => b.namespace === p.namespace && b.selector !== undefined && selectorMatches(b.selector, p.labels));

  const steps: NodeStep[] = targets.map((node) => {
    const here = podsOn(node);
    const evicted = here.filter(evictable);
    const pdbRows = pdbs
      .map((b) => {
        const podsHere = evicted.filter((p) => pdbsOf(p).includes(b)).length;
        const alsoOn = targets.filter((t) => t !== node && podsOn(t).some((p) => evictable(p) && pdbsOf(p).includes(b)));
        return { namespace: b.namespace, name: b.name, podsHere, disruptionsAllowed: b.disruptionsAllowed, alsoOn };
      })
      .filter((r) => r.podsHere > 0);
    const tight = pdbRows.filter((r) => r.podsHere > r.disruptionsAllowed);
    const blocked = tight.length
      ? {
          reason: tight.map((r) => `PDB ${r.namespace}/${r.name} allows ${r.disruptionsAllowed} disruption${r.disruptionsAllowed === 1 ? '' : 's'} now but ${node} holds ${r.podsHere} of its pods: the drain would ${r.disruptionsAllowed === 0 ? 'wait forever' : 'stall part-way'}`).join('; '),
          fix: tight.map((r) => `scale up what ${r.namespace}/${r.name} protects (or relax its minAvailable/maxUnavailable) until allowed disruptions ≥ ${r.podsHere}, and check its pods are Ready (kubectl get pdb ${r.name} -n ${r.namespace})`).join('; '),
        }
      : undefined;
    const capacity = checkCapacity(evicted, node, nodes, pods);
    return {
      node,
      evicted: evicted.map(ref),
      daemonSetPods: here.filter((p) => p.controller?.kind === 'DaemonSet').length,
      unmanaged: evicted.filter((p) => !p.controller).map(ref),
      emptyDir: evicted.filter((p) => p.emptyDir).map(ref),
      pdbs: pdbRows,
      blocked,
      requests: sum(evicted),
      capacity,
      commands: [],
    };
  });

  // Unblocked first, fewest evictions first (least disruption); blocked ones last, in name order.
  steps.sort((a, b) => Number(Boolean(a.blocked)) - Number(Boolean(b.blocked)) || a.evicted.length - b.evicted.length || a.node.localeCompare(b.node));
  for (const [i, step] of steps.entries()) {
    const force = step.unmanaged.length ? ' --force' : '';
    step.commands.push(`kubectl cordon ${step.node}`, `kubectl drain ${step.node} --ignore-daemonsets --delete-emptydir-data${force} --timeout=${DRAIN_TIMEOUT}`, `# … maintain ${step.node} (upgrade, reboot), then:`, `kubectl wait --for=condition=Ready node/${step.node} --timeout=${DRAIN_TIMEOUT}`, `kubectl uncordon ${step.node}`);
    // A PDB with pods on a later node: its evicted pods must be Ready elsewhere before the next drain.
    const later = new Set(steps.slice(i + 1).map((s) => s.node));
    for (const pdb of step.pdbs.filter((p) => p.alsoOn.some((n) => later.has(n)))) {
      step.commands.push(`kubectl wait --for=condition=DisruptionAllowed pdb/${pdb.name} -n ${pdb.namespace} --timeout=${DRAIN_TIMEOUT}`);
    }
  }

  const approximate = pods.some((p) => p.hasAffinity && steps.some((s) => s.evicted.some((e) => e.namespace === p.namespace && e.name === p.name)));
  const notes = [
    'Capacity is checked by resource requests with first-fit placement, nodeSelector and NoSchedule/NoExecute taints; pods without requests count as 0.',
    ...(approximate ? ['Approximate: some evicted pods use affinity or topology spread, which this check does not follow.'] : []),
    'Nodes are drained one at a time and uncordoned before the next; the capacity check assumes only that node is out.',
  ];
  const blocked = steps.filter((s) => s.blocked).map((s) => s.node);
  const short = steps.filter((s) => !s.capacity.fits);
  const lost = steps.flatMap((s) => s.unmanaged);
  const summary = [
    `Maintenance of ${targets.length} node${targets.length === 1 ? '' : 's'} in this order: ${steps.map((s) => `${s.node}${s.blocked ? ' (blocked)' : ''}`).join(' → ')}.`,
    blocked.length ? `Blocked by PodDisruptionBudgets now: ${blocked.join(', ')}.` : 'No PodDisruptionBudget blocks a drain now.',
    short.length ? `Not enough room elsewhere while draining ${short.map((s) => `${s.node} (${s.capacity.unplaced.length} pod${s.capacity.unplaced.length === 1 ? '' : 's'} would stay Pending)`).join(', ')}.` : 'The remaining nodes can take the evicted pods (by requests).',
    ...(lost.length ? [`${lost.length} pod${lost.length === 1 ? ' has' : 's have'} no controller and would be lost: ${lost.map((p) => `${p.namespace}/${p.name}`).join(', ')}.`] : []),
  ].join(' ');
  return { targets, steps, blocked, approximate, notes, summary };
}

export const pdbSelectorText = (pdb: MaintenancePdb) => (pdb.selector ? selectorText(pdb.selector) || '(every pod)' : '(no pods)');

const cores = (m: number) => `${+(m / 1000).toFixed(2)}`;
const gib = (b: number) => `${(b / 1024 ** 3).toFixed(2)}Gi`;

/** The plan for a person: steps with their commands, and the capacity table of each step. */
export function renderMaintenancePlan(plan: MaintenancePlan, table: (headers: string[], rows: Array<Array<string | number>>) => string): string {
  const lines = [plan.summary, ''];
  for (const [i, s] of plan.steps.entries()) {
    lines.push(`${i + 1}. ${s.node}: evicts ${s.evicted.length} pod${s.evicted.length === 1 ? '' : 's'} (requests cpu ${cores(s.requests.cpuMilli)}, memory ${gib(s.requests.memoryBytes)}), ${s.daemonSetPods} DaemonSet pod${s.daemonSetPods === 1 ? '' : 's'} ignored`);
    if (s.blocked) lines.push(`   BLOCKED: ${s.blocked.reason}`, `   fix: ${s.blocked.fix}`);
    for (const p of s.pdbs) lines.push(`   PDB ${p.namespace}/${p.name}: ${p.podsHere} pod${p.podsHere === 1 ? '' : 's'} here, ${p.disruptionsAllowed} disruption${p.disruptionsAllowed === 1 ? '' : 's'} allowed${p.alsoOn.length ? `; also on ${p.alsoOn.join(', ')}` : ''}`);
    if (s.unmanaged.length) lines.push(`   would be LOST (no controller): ${s.unmanaged.map((p) => `${p.namespace}/${p.name}`).join(', ')}`);
    if (s.emptyDir.length) lines.push(`   emptyDir data lost: ${s.emptyDir.map((p) => `${p.namespace}/${p.name}`).join(', ')}`);
    for (const u of s.capacity.unplaced) lines.push(`   no room for ${u.namespace}/${u.name}: ${u.why}`);
    lines.push(...s.commands.map((c) => `   ${c}`));
    lines.push(
      table(
        ['Node', 'CPU alloc', 'CPU req before', 'CPU req after', 'Mem alloc', 'Mem req before', 'Mem req after', 'Pods before', 'Pods after'],
        s.capacity.rows.map((r) => [r.node, cores(r.allocatable.cpuMilli), cores(r.requestedBefore.cpuMilli), cores(r.requestedAfter.cpuMilli), gib(r.allocatable.memoryBytes), gib(r.requestedBefore.memoryBytes), gib(r.requestedAfter.memoryBytes), `${r.requestedBefore.pods}/${r.allocatable.pods}`, `${r.requestedAfter.pods}/${r.allocatable.pods}`]),
      )
        .split('\n')
        .map((l) => `   ${l}`)
        .join('\n'),
      '',
    );
  }
  lines.push(...plan.notes);
  return lines.join('\n');
}
