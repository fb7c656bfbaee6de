/** Node health and maintenance state, pure, over k8s_nodes' node records. */
export interface NodeRecord {
  name?: string;
  status?: string;
  roles?: string[];
  version?: string;
  capacity?: Record<string, string>;
  allocatable?: Record<string, string>;
  conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }>;
  taints?: string[];
  unschedulable?: boolean;
}

export interface NodeHealth {
  name: string;
  ready: boolean;
  cordoned: boolean;
  /** Conditions that are wrong: Ready not True, a pressure/unavailable condition True. */
  problems: string[];
  taints: string[];
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  pods: number | undefined;
  podCapacity: number | undefined;
  /** In use (metrics API) and what is left of allocatable, when metrics are available. */
  usage?: { cpuCores: number; memoryBytes: number; cpuFreeCores?: number; memoryFreeBytes?: number };
  healthy: boolean;
}

export interface NodeHealthReport {
  nodes: NodeHealth[];
  ready: number;
  total: number;
  cordoned: string[];
  summary: string;
}

const arr = <T>(x: T[] | null | undefined): T[] => (Array.isArray(x) ? x : []);

export function nodeHealth(node: NodeRecord, pods?: number, usage?: { cpuCores: number; memoryBytes: number }): NodeHealth {
  const name = node?.name ?? '<unnamed>';
  const conditions = arr(node?.conditions);
  const readyCond = conditions.find((c) => c?.type === 'Ready');
  const ready = readyCond?.status === 'True';
  const problems: string[] = [];
  if (!ready) problems.push(`Ready=${readyCond?.status ?? 'missing'}${readyCond?.reason ? ` (${readyCond.reason}${readyCond.message ? `: ${readyCond.message}` : ''})` : ''}`);
  for (const c of conditions) {
    if (c && c.type !== 'Ready' && c.status === 'True') problems.push(`${c.type ?? '?'}=True${c.reason ? ` (${c.reason})` : ''}`);
  }
  const cordoned = node?.unschedulable === true;
  const podCapacity = Number(node?.allocatable?.pods ?? node?.capacity?.pods);
  return {
    name,
    ready,
    cordoned,
    problems,
    taints: arr(node?.taints),
    capacity: node?.capacity ?? {},
    allocatable: node?.allocatable ?? {},
    pods,
    podCapacity: Number.isFinite(podCapacity) ? podCapacity : undefined,
    ...(usage ? { usage: withFree(usage, node?.allocatable) } : {}),
    healthy: ready && problems.length === 0 && !cordoned,
  };
}

function cores(q: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(q ?? '');
  return m ? Number(m[1]) / (m[2] ? 1000 : 1) : undefined;
}
const UNITS: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
function bytes(q: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q ?? '');
  return m ? Number(m[1]) * (UNITS[m[2] ?? ''] ?? 1) : undefined;
}
function withFree(usage: { cpuCores: number; memoryBytes: number }, allocatable: Record<string, string> | undefined): NonNullable<NodeHealth['usage']> {
  const cpu = cores(allocatable?.cpu);
  const mem = bytes(allocatable?.memory);
  return {
    ...usage,
    ...(cpu !== undefined ? { cpuFreeCores: Math.max(0, +(cpu - usage.cpuCores).toFixed(3)) } : {}),
    ...(mem !== undefined ? { memoryFreeBytes: Math.max(0, mem - usage.memoryBytes) } : {}),
  };
}

/** Every node's health; `podsPerNode` counts the pods bound to each node. */
export function nodeHealthReport(nodes: NodeRecord[], podsPerNode: Record<string, number> = {}, usage: Record<string, { cpuCores: number; memoryBytes: number }> = {}): NodeHealthReport {
  const health = arr(nodes).map((n) => nodeHealth(n, podsPerNode[n?.name ?? ''] ?? 0, usage[n?.name ?? '']));
  const ready = health.filter((h) => h.ready).length;
  const cordoned = health.filter((h) => h.cordoned).map((h) => h.name);
  const unhealthy = health.filter((h) => !h.healthy);
  const summary =
    health.length === 0
      ? 'The cluster reports no nodes.'
      : `${ready}/${health.length} nodes Ready${cordoned.length ? `, cordoned: ${cordoned.join(', ')}` : ', none cordoned'}${unhealthy.length ? `; needing attention: ${unhealthy.map((h) => `${h.name} (${[...h.problems, ...(h.cordoned ? ['cordoned'] : [])].join(', ')})`).join('; ')}` : '; all healthy'}.`;
  return { nodes: health, ready, total: health.length, cordoned, summary };
}

export function renderNode(h: NodeHealth): string {
  const res = (r: Record<string, string>) => `cpu ${r.cpu ?? '?'}, memory ${r.memory ?? '?'}, pods ${r.pods ?? '?'}`;
  return [
    `${h.name}: ${h.ready ? 'Ready' : 'NotReady'}${h.cordoned ? ', cordoned (SchedulingDisabled)' : ''}${h.problems.length ? `, problems: ${h.problems.join(', ')}` : ''}`,
    `  capacity: ${res(h.capacity)}; allocatable: ${res(h.allocatable)}`,
    ...(h.usage ? [`  in use: cpu ${+h.usage.cpuCores.toFixed(2)} cores, memory ${Math.round(h.usage.memoryBytes / 1024 ** 2)}Mi${h.usage.cpuFreeCores !== undefined ? `; unused of allocatable (by usage, not requests): cpu ${h.usage.cpuFreeCores} cores` : ''}${h.usage.memoryFreeBytes !== undefined ? `, memory ${(h.usage.memoryFreeBytes / 1024 ** 3).toFixed(1)}Gi` : ''}`] : []),
    `  pods: ${h.pods ?? '?'}${h.podCapacity !== undefined ? `/${h.podCapacity}` : ''}; taints: ${h.taints.length ? h.taints.join(', ') : 'none'}`,
  ].join('\n');
}
