import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { UserError } from '../../../shared/errors.js';
import { KubeApiError, kubeRequest } from '../../../shared/kube-http.js';
import { contextInput, namespaceInput, selectorInput } from '../../../shared/mcp/inputs.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { toolResult } from '../../../shared/mcp/result.js';
import { renderTable } from '../../../shared/table.js';

/** "250m" → 0.25 cores; "123456n" → nanocores; plain numbers are cores. */
export function cpuCores(q: string): number {
  const m = /^([\d.]+)(n|u|m)?$/.exec(q);
  if (!m) return Number.NaN;
  const scale = { n: 1e-9, u: 1e-6, m: 1e-3 }[m[2] as 'n' | 'u' | 'm'] ?? 1;
  return Number(m[1]) * scale;
}

/** "128Mi", "1Gi", "1000Ki", "5e6" → bytes. */
export function memoryBytes(q: string): number {
  const m = /^([\d.e+]+)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
  if (!m) return Number.NaN;
  const scale = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, k: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2] as 'Ki'] ?? 1;
  return Number(m[1]) * scale;
}

interface Usage {
  metadata: { name: string; namespace?: string };
  usage?: { cpu: string; memory: string };
  containers?: Array<{ usage: { cpu: string; memory: string } }>;
}

export function registerTop(server: McpServer, access: ClusterAccess): void {
  registerPolicedTool(
    server,
    access.policy,
    'k8s_top',
    'read',
    {
      title: 'Resource usage (top)',
      description: 'CPU and memory in use by pods or nodes, like `kubectl top`, from the metrics API (metrics-server). Heaviest first.',
      inputSchema: {
        resource: z.enum(['pods', 'nodes']),
        namespace: namespaceInput.optional().describe('For pods; omit for all namespaces'),
        labelSelector: selectorInput.optional(),
        sortBy: z.enum(['cpu', 'memory']).default('cpu'),
        limit: z.number().int().min(1).max(1000).default(50),
        context: contextInput,
      },
      outputSchema: { items: z.array(z.object({ name: z.string(), namespace: z.string().nullable(), cpuCores: z.number(), memoryBytes: z.number() })), total: z.number().int() },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const client = access.client(args.context);
      const path =
        args.resource === 'nodes'
          ? '/apis/metrics.k8s.io/v1beta1/nodes'
          : args.namespace
            ? `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(args.namespace)}/pods`
            : '/apis/metrics.k8s.io/v1beta1/pods';
      let list: { items: Usage[] };
      try {
        list = (await kubeRequest(client, { path, query: { labelSelector: args.labelSelector } })).json as { items: Usage[] };
      } catch (e) {
        if (e instanceof KubeApiError && (e.status === 404 || e.status === 503)) {
          throw new UserError(
            'this cluster serves no resource metrics API (metrics.k8s.io): metrics-server is not installed or not ready',
            'install metrics-server, or ask Prometheus instead (prom_query container_memory_working_set_bytes / rate(container_cpu_usage_seconds_total[5m]))',
          );
        }
        throw e;
      }
      const items = list.items
        .map((u) => {
          const parts = u.usage ? [u.usage] : (u.containers ?? []).map((c) => c.usage);
          return {
            name: u.metadata.name,
            namespace: u.metadata.namespace ?? null,
            cpuCores: parts.reduce((s, p) => s + cpuCores(p.cpu), 0),
            memoryBytes: parts.reduce((s, p) => s + memoryBytes(p.memory), 0),
          };
        })
        .sort((a, b) => (args.sortBy === 'cpu' ? b.cpuCores - a.cpuCores : b.memoryBytes - a.memoryBytes));
      const shown = items.slice(0, args.limit);
      const withNs = args.resource === 'pods' && !args.namespace;
      const table = renderTable(
        [...(withNs ? ['Namespace'] : []), 'Name', 'Cpu(cores)', 'Memory(bytes)'],
        shown.map((i) => [...(withNs ? [i.namespace] : []), i.name, `${Math.round(i.cpuCores * 1000)}m`, `${Math.round(i.memoryBytes / 1024 ** 2)}Mi`]),
      );
      const more = items.length - shown.length;
      return toolResult(shown.length ? `${table}${more ? `\n${more} more — raise limit or narrow with namespace/labelSelector` : ''}` : `No ${args.resource} metrics${args.resource === 'pods' && args.namespace ? ` in namespace ${args.namespace}` : ''}${args.labelSelector ? ` for ${args.labelSelector}` : ''}: metrics-server reports only ${args.resource === 'pods' ? 'running pods' : 'Ready nodes'}, each once it has scraped it twice (about 30 s after either starts).`, { items: shown, total: items.length });
    },
    scrubSecretValues(access),
  );
}
