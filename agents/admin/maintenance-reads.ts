/** What a maintenance plan reads through the kubernetes MCP server: nodes, the pods bound to them and PDBs, as whole objects (zod-checked). */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { z } from 'zod';
import { mapLimit } from '../../shared/map-limit.js';
import type { ToolBox } from '../../shared/reasoning/engine.js';
import { requireStructured } from '../../shared/reasoning/embedded/tool-results.js';
import { mcpToolBox } from '../../shared/reasoning/toolbox.js';
import { cpuMilli, type MaintenanceNode, type MaintenancePdb, type MaintenancePod, memoryBytes } from './maintenance.js';

const strMap = z.record(z.string(), z.string()).nullish().transform((v) => v ?? {});
const quantity = z.union([z.string(), z.number()]).optional();

const nodeSchema = z.object({
  metadata: z.object({ name: z.string(), labels: strMap }),
  spec: z.object({ unschedulable: z.boolean().nullish(), taints: z.array(z.object({ key: z.string(), value: z.string().nullish(), effect: z.string() })).nullish() }).nullish(),
  status: z.object({ allocatable: z.record(z.string(), quantity).nullish(), conditions: z.array(z.object({ type: z.string(), status: z.string() })).nullish() }).nullish(),
});

const resourceMap = z.record(z.string(), quantity).nullish();
const podSchema = z.object({
  metadata: z.object({
    name: z.string(),
    namespace: z.string(),
    labels: strMap,
    annotations: strMap,
    ownerReferences: z.array(z.object({ kind: z.string(), name: z.string(), controller: z.boolean().nullish() })).nullish(),
  }),
  spec: z
    .object({
      nodeName: z.string().nullish(),
      nodeSelector: strMap,
      tolerations: z.array(z.object({ key: z.string().nullish(), operator: z.string().nullish(), value: z.string().nullish(), effect: z.string().nullish() })).nullish(),
      affinity: z.unknown().optional(),
      topologySpreadConstraints: z.array(z.unknown()).nullish(),
      volumes: z.array(z.object({ emptyDir: z.unknown().optional() }).passthrough()).nullish(),
      containers: z.array(z.object({ resources: z.object({ requests: resourceMap }).nullish() }).passthrough()),
      initContainers: z.array(z.object({ resources: z.object({ requests: resourceMap }).nullish() }).passthrough()).nullish(),
      overhead: resourceMap,
    })
    .passthrough(),
  status: z.object({ phase: z.string().nullish() }).nullish(),
});

const pdbSchema = z.object({
  metadata: z.object({ name: z.string(), namespace: z.string() }),
  spec: z.object({ selector: z.object({ matchLabels: z.record(z.string(), z.string()).nullish(), matchExpressions: z.array(z.object({ key: z.string(), operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']), values: z.array(z.string()).nullish() })).nullish() }).nullish() }).nullish(),
  status: z.object({ disruptionsAllowed: z.number().int().nullish() }).nullish(),
});

export function toNode(raw: unknown): MaintenanceNode {
  const n = nodeSchema.parse(raw);
  const alloc = n.status?.allocatable ?? {};
  return {
    name: n.metadata.name,
    labels: n.metadata.labels,
    taints: (n.spec?.taints ?? []).map((t) => ({ key: t.key, value: t.value ?? undefined, effect: t.effect })),
    unschedulable: n.spec?.unschedulable === true,
    ready: (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    allocatable: { cpuMilli: cpuMilli(alloc.cpu), memoryBytes: memoryBytes(alloc.memory), pods: Number(alloc.pods ?? 110) },
  };
}

/** A pod's effective requests, as the scheduler counts them: max(sum of containers, largest init container) plus overhead. */
export function toPod(raw: unknown): MaintenancePod {
  const p = podSchema.parse(raw);
  const req = (list: Array<{ resources?: { requests?: Record<string, string | number | undefined> | null | undefined } | null | undefined }>) => list.map((c) => ({ cpu: cpuMilli(c.resources?.requests?.cpu), mem: memoryBytes(c.resources?.requests?.memory) }));
  const main = req(p.spec.containers);
  const init = req(p.spec.initContainers ?? []);
  const controller = p.metadata.ownerReferences?.find((o) => o.controller);
  return {
    namespace: p.metadata.namespace,
    name: p.metadata.name,
    nodeName: p.spec.nodeName ?? undefined,
    phase: p.status?.phase ?? 'Unknown',
    labels: p.metadata.labels,
    controller: controller ? { kind: controller.kind, name: controller.name } : undefined,
    mirror: 'kubernetes.io/config.mirror' in p.metadata.annotations,
    emptyDir: (p.spec.volumes ?? []).some((v) => v.emptyDir !== undefined),
    requests: {
      cpuMilli: Math.max(main.reduce((a, c) => a + c.cpu, 0), ...init.map((c) => c.cpu)) + cpuMilli(p.spec.overhead?.cpu),
      memoryBytes: Math.max(main.reduce((a, c) => a + c.mem, 0), ...init.map((c) => c.mem)) + memoryBytes(p.spec.overhead?.memory),
    },
    nodeSelector: p.spec.nodeSelector,
    tolerations: (p.spec.tolerations ?? []).map((t) => ({ key: t.key ?? undefined, operator: t.operator ?? undefined, value: t.value ?? undefined, effect: t.effect ?? undefined })),
    hasAffinity: Boolean(p.spec.affinity) || (p.spec.topologySpreadConstraints ?? []).length > 0,
  };
}

export function toPdb(raw: unknown): MaintenancePdb {
  const b = pdbSchema.parse(raw);
  const sel = b.spec?.selector;
  return {
    namespace: b.metadata.namespace,
    name: b.metadata.name,
    selector: sel
      ? {
          ...(sel.matchLabels ? { matchLabels: sel.matchLabels } : {}),
          ...(sel.matchExpressions ? { matchExpressions: sel.matchExpressions.map((e) => ({ key: e.key, operator: e.operator, ...(e.values ? { values: e.values } : {}) })) } : {}),
        }
      : undefined,
    disruptionsAllowed: b.status?.disruptionsAllowed ?? 0,
  };
}

type Row = Record<string, string | number | boolean | null>;

/** Reads through the MCP tools (k8s_nodes, k8s_list, k8s_get): one k8s_get per pod bound to a node and per PDB. */
export class MaintenanceReads {
  constructor(
    private readonly tools: ToolBox,
    private readonly signal?: AbortSignal,
  ) {}

  /** Reads over an MCP client, restricted to the three read tools it needs. */
  static over(client: Client, signal?: AbortSignal): MaintenanceReads {
    return new MaintenanceReads(mcpToolBox(client, ['k8s_nodes', 'k8s_list', 'k8s_get']), signal);
  }

  private async call<T>(tool: string, args: Record<string, unknown>): Promise<T> {
    return requireStructured<T>(tool, await this.tools.callTool(tool, args, this.signal));
  }

  private async rows(kind: string, extra: Record<string, unknown> = {}): Promise<Row[]> {
    const items: Row[] = [];
    let cont: string | undefined;
    do {
      const page = await this.call<{ items?: Row[]; continue: string | null }>('k8s_list', { kind, view: 'rows', limit: 1000, ...extra, ...(cont ? { continue: cont } : {}) });
      items.push(...(page.items ?? []));
      cont = page.continue ?? undefined;
    } while (cont);
    return items;
  }

  private async get(kind: string, name: string, namespace?: string): Promise<unknown> {
    return (await this.call<{ object: unknown }>('k8s_get', { kind, name, ...(namespace ? { namespace } : {}), output: 'json', maxChars: 1_000_000 })).object;
  }

  async nodes(): Promise<MaintenanceNode[]> {
    const names = (await this.call<{ nodes: Array<{ name: string }> }>('k8s_nodes', {})).nodes.map((n) => n.name);
    return mapLimit(names, 8, async (name) => toNode(await this.get('nodes', name)));
  }

  async pods(): Promise<MaintenancePod[]> {
    const rows = (await this.rows('pods', { wide: true })).filter((r) => r.node && r.node !== '<none>');
    return mapLimit(rows, 8, async (r) => toPod(await this.get('pods', String(r.name), String(r.namespace))));
  }

  async pdbs(): Promise<MaintenancePdb[]> {
    const rows = await this.rows('poddisruptionbudgets');
    return mapLimit(rows, 8, async (r) => toPdb(await this.get('poddisruptionbudgets', String(r.name), String(r.namespace))));
  }
}
