import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import type { ToolPolicy } from '../../../shared/mcp/policy.js';
import { toolResult } from '../../../shared/mcp/result.js';
import type { PrometheusClient } from '../client.js';
import { labelNameInput, matchInput } from '../schemas.js';

export function registerLabels(server: McpServer, prom: PrometheusClient, policy: ToolPolicy): void {
  registerPolicedTool(
    server,
    policy,
    'prom_labels',
    'read',
    {
      title: 'Label names',
      description: 'Label names in the TSDB, optionally only those on series matching selectors.',
      inputSchema: { match: matchInput.optional() },
      outputSchema: { labels: z.array(z.string()) },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const { data } = await prom.call<string[]>('labels', { 'match[]': args.match }, 'POST');
      return toolResult(data.join('\n') || 'No labels.', { labels: data });
    },
  );

  registerPolicedTool(
    server,
    policy,
    'prom_label_values',
    'read',
    {
      title: 'Label values',
      description: 'The values one label takes (e.g. every namespace, job or pod), optionally only on series matching selectors. `__name__` lists metric names.',
      inputSchema: {
        label: labelNameInput,
        match: matchInput.optional(),
        limit: z.number().int().min(1).max(5000).default(500),
      },
      outputSchema: { label: z.string(), values: z.array(z.string()), total: z.number().int() },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const { data } = await prom.call<string[]>(`label/${encodeURIComponent(args.label)}/values`, { 'match[]': args.match });
      const values = data.slice(0, args.limit);
      const more = data.length - values.length;
      return toolResult(values.length ? values.join('\n') + (more ? `\n${more} more — narrow with match` : '') : `No values for label ${args.label}.`, {
        label: args.label,
        values,
        total: data.length,
      });
    },
  );
}
