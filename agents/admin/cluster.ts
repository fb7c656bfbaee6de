/** The reads admin makes through the kubernetes MCP server (tools, plus the cluster overview resource for the API server's version). */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ToolBox } from '../../shared/reasoning/engine.js';
import { requireStructured } from '../../shared/reasoning/embedded/tool-results.js';
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

  async apiResources(): Promise<Array<{ apiVersion: string; kind: string }>> {
    return (await this.call<{ resources: Array<{ apiVersion: string; kind: string }> }>('k8s_api_resources', {})).resources;
  }
}

/** "1/3" → 3 (the desired count of a READY column); undefined when unreadable. */
export function desiredOf(ready: unknown): number | undefined {
  const m = /^\d+\/(\d+)$/.exec(String(ready ?? ''));
  return m ? Number(m[1]) : undefined;
}
