import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { renderTable } from '../../../shared/table.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import type { ToolPolicy } from '../../../shared/mcp/policy.js';
import { toolResult } from '../../../shared/mcp/result.js';
import type { PrometheusClient } from '../client.js';

export function registerMetadata(server: McpServer, prom: PrometheusClient, policy: ToolPolicy): void {
  registerPolicedTool(
    server,
    policy,
    'prom_metadata',
    'read',
    {
      title: 'Metric metadata',
      description: 'Type (counter, gauge, histogram…), help text and unit of metrics, for one metric or all (up to `limit`).',
      inputSchema: {
        metric: z.string().regex(/^[A-Za-z_:][A-Za-z0-9_:]*$/, 'expected a metric name such as kube_pod_info').optional(),
        limit: z.number().int().min(1).max(5000).default(200),
      },
      outputSchema: { metrics: z.array(z.object({ metric: z.string(), type: z.string(), help: z.string(), unit: z.string() })), total: z.number().int() },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const { data } = await prom.call<Record<string, Array<{ type: string; help: string; unit: string }>>>('metadata', { metric: args.metric });
      const all = Object.entries(data)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([metric, entries]) => ({ metric, type: entries[0]?.type ?? '', help: entries[0]?.help ?? '', unit: entries[0]?.unit ?? '' }));
      const metrics = all.slice(0, args.limit);
      if (!metrics.length) return toolResult(args.metric ? `No metadata for ${args.metric} (is it scraped?).` : 'No metadata.', { metrics, total: 0 });
      const text = renderTable(['Metric', 'Type', 'Help'], metrics.map((m) => [m.metric, m.type, m.help.replace(/\s+/g, ' ').slice(0, 120)]));
      return toolResult(all.length > metrics.length ? `${text}\n${all.length - metrics.length} more — ask for one metric` : text, { metrics, total: all.length });
    },
  );
}
