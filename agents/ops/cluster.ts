/**
 * The read calls ops makes to the kubernetes MCP server, typed: each returns the tool's
 * structured content or throws the tool's own error as a UserError.
 */
import type { ToolBox } from '../../shared/reasoning/engine.js';
import { requireStructured } from '../../shared/reasoning/embedded/tool-results.js';
import type { KubeEvent } from './kube-objects.js';

export type Row = Record<string, string | number | boolean | null>;

export class Cluster {
  constructor(
    private readonly tools: ToolBox,
    private readonly signal?: AbortSignal,
  ) {}

  async call<T>(tool: string, args: Record<string, unknown>): Promise<T> {
    return requireStructured<T>(tool, await this.tools.callTool(tool, args, this.signal));
  }

  /** Rows of `kubectl get <kind>` (one namespace or all), up to 1000. */
  async rows(kind: string, namespace?: string, extra: Record<string, unknown> = {}): Promise<Row[]> {
    const out = await this.call<{ items?: Row[] }>('k8s_list', { kind, view: 'rows', limit: 1000, ...(namespace ? { namespace } : {}), ...extra });
    return out.items ?? [];
  }

  async object<T>(kind: string, name: string, namespace?: string): Promise<T> {
    return (await this.call<{ object: T }>('k8s_get', { kind, name, output: 'json', ...(namespace ? { namespace } : {}) })).object;
  }

  async events(args: { namespace?: string; kind?: string; name?: string; type?: 'Warning' | 'Normal'; limit?: number }): Promise<KubeEvent[]> {
    return (await this.call<{ events: KubeEvent[] }>('k8s_events', { limit: 50, ...args })).events;
  }

  async namespaces(): Promise<string[]> {
    return (await this.call<{ namespaces: Array<{ name: string }> }>('k8s_namespaces', {})).namespaces.map((n) => n.name);
  }

  async nodes(): Promise<Array<{ name: string; allocatable: Record<string, string> }>> {
    return (await this.call<{ nodes: Array<{ name: string; allocatable: Record<string, string> }> }>('k8s_nodes', {})).nodes;
  }

  /** The previous instance's log of a container; undefined when there is none. */
  async previousLog(pod: string, namespace: string, container: string): Promise<string | undefined> {
    const r = await this.tools.callTool('k8s_logs', { name: pod, namespace, container, previous: true, tail: 50 }, this.signal);
    if (r.isError) return undefined;
    return (r.structuredContent as { log?: string } | undefined)?.log;
  }
}

/** The workload a generated pod name belongs to ("payments-api-549bbc6b4b-zls6j" → "payments-api", "postgres-0" → "postgres"). */
export function workloadOfPod(pod: string): string {
  // Generated suffixes use Kubernetes' safe alphabet (no vowels, no 0/1/3): "migrate" is a name, "2ggmc" a suffix.
  const deployment = /^(.+)-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/.exec(pod);
  if (deployment) return deployment[1]!;
  const generated = /^(.+)-[bcdfghjklmnpqrstvwxz2456789]{5}$/.exec(pod);
  if (generated) return generated[1]!;
  const ordinal = /^(.+)-\d+$/.exec(pod);
  if (ordinal) return ordinal[1]!;
  return pod;
}
