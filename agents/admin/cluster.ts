/** The reads admin makes through the kubernetes MCP server (tools, plus the cluster overview resource for the API server's version). */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { mapLimit } from '../../shared/map-limit.js';
import type { ToolBox } from '../../shared/reasoning/engine.js';
import { requireStructured } from '../../shared/reasoning/embedded/tool-results.js';
import type { CertificateEntry } from './certificates.js';
import type { WrittenObject } from './deprecations-live.js';
import type { NodeRecord } from './nodes.js';

export type Row = Record<string, string | number | boolean | null>;

export class AdminReads {
  constructor(
    private readonly tools: ToolBox,
    private readonly client: Client,
    private readonly signal?: AbortSignal,
  ) {}

  private async call<T>(tool: string, args: Record<string, unknown>): Promise<T> {
    return requireStructured<T>(tool, await this.tools.callTool(tool, args, this.signal));
  }

  /** The API server's gitVersion, from the server's `k8s://cluster/overview` resource; undefined when it cannot be read. */
  async apiServerVersion(): Promise<string | undefined> {
    try {
      const r = await this.client.readResource({ uri: 'k8s://cluster/overview' }, this.signal ? { signal: this.signal } : undefined);
      const text = r.contents.map((c) => ('text' in c && typeof c.text === 'string' ? c.text : '')).join('\n');
      return /Kubernetes (v\d+\.\d+\.\d+[^\s,]*)/.exec(text)?.[1];
    } catch {
      return undefined;
    }
  }

  async nodes(): Promise<NodeRecord[]> {
    return (await this.call<{ nodes: NodeRecord[] }>('k8s_nodes', {})).nodes;
  }

  async rows(kind: string, extra: Record<string, unknown> = {}): Promise<Row[]> {
    return (await this.call<{ items?: Row[] }>('k8s_list', { kind, view: 'rows', limit: 1000, ...extra })).items ?? [];
  }

  /** CPU (cores) and memory (bytes) in use per node, from the metrics API; empty when it is not available. */
  async nodeUsage(): Promise<Record<string, { cpuCores: number; memoryBytes: number }>> {
    const r = await this.tools.callTool('k8s_top', { resource: 'nodes' }, this.signal);
    if (r.isError) return {};
    const items = (r.structuredContent as { items?: Array<{ name: string; cpuCores: number; memoryBytes: number }> } | undefined)?.items ?? [];
    return Object.fromEntries(items.map((i) => [i.name, { cpuCores: i.cpuCores, memoryBytes: i.memoryBytes }]));
  }

  async apiResources(): Promise<Array<{ apiVersion: string; kind: string; name: string }>> {
    return (await this.call<{ resources: Array<{ apiVersion: string; kind: string; name: string }> }>('k8s_api_resources', {})).resources;
  }

  /** One whole object (k8s_get, JSON): node status, a pod's images. */
  async object(kind: string, name: string, namespace?: string): Promise<Record<string, unknown>> {
    return (await this.call<{ object: Record<string, unknown> }>('k8s_get', { kind, name, output: 'json', ...(namespace ? { namespace } : {}) })).object;
  }

  /** Whole node objects (labels, annotations, providerID, nodeInfo), which k8s_nodes summarises away. */
  async nodeObjects(): Promise<Array<Record<string, unknown>>> {
    const nodes = await this.nodes();
    return Promise.all(nodes.map((n) => this.object('nodes', n.name ?? '')));
  }

  /** kube-system pods matching a label selector (the first `limit` of them), whole (images, labels, nodeName). */
  async kubeSystemPods(labelSelector?: string, limit = Infinity): Promise<Array<Record<string, unknown>>> {
    const rows = await this.rows('pods', { namespace: 'kube-system', ...(labelSelector ? { labelSelector } : {}) });
    return mapLimit(rows.slice(0, limit), 8, (r) => this.object('pods', String(r.name ?? ''), 'kube-system'));
  }

  /** Objects of a kind with the apiVersions they were written through (k8s_list writers). */
  async writers(kind: string): Promise<WrittenObject[]> {
    const r = await this.call<{ kind: string; writers?: Array<Omit<WrittenObject, 'kind'>> }>('k8s_list', { kind, view: 'rows', limit: 1000, writers: true });
    return (r.writers ?? []).map((w) => ({ ...w, kind: r.kind }));
  }

  /** Certificate metadata from k8s_certificates (parsed server-side: no PEM, no keys). */
  async certificates(namespace?: string): Promise<CertificateEntry[]> {
    return (await this.call<{ certificates: CertificateEntry[] }>('k8s_certificates', namespace ? { namespace } : {})).certificates;
  }
}

/** "1/3" → 3 (the desired count of a READY column); undefined when unreadable. */
export function desiredOf(ready: unknown): number | undefined {
  const m = /^\d+\/(\d+)$/.exec(String(ready ?? ''));
  return m ? Number(m[1]) : undefined;
}
