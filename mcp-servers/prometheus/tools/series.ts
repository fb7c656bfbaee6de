import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import type { ToolPolicy } from '../../../shared/mcp/policy.js';
import { toolResult } from '../../../shared/mcp/result.js';
import type { PrometheusClient } from '../client.js';
import { type Metric, seriesName } from '../format.js';
import { matchInput, timeInput } from '../schemas.js';
import { parseTime } from '../time.js';

export function registerSeries(server: McpServer, prom: PrometheusClient, policy: ToolPolicy): void {
  registerPolicedTool(
    server,
    policy,
    'prom_series',
    'read',
    {
      title: 'Find series',
      description: 'The series that match selectors (e.g. {namespace="shop"} or kube_pod_info), over a time range (default the last hour).',
      inputSchema: {
        match: matchInput,
        start: timeInput.default('now-1h'),
        end: timeInput.default('now'),
        limit: z.number().int().min(1).max(2000).default(100),
      },
      outputSchema: { series: z.array(z.record(z.string(), z.string())), total: z.number().int(), omitted: z.number().int() },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const { data } = await prom.call<Metric[]>('series', { 'match[]': args.match, start: String(parseTime(args.start)), end: String(parseTime(args.end)) }, 'POST');
      const shown = data.slice(0, args.limit);
      const omitted = data.length - shown.length;
      const text = shown.length ? shown.map(seriesName).join('\n') + (omitted ? `\n${omitted} more series — add label matchers to narrow` : '') : 'No series match.';
      return toolResult(text, { series: shown, total: data.length, omitted });
    },
  );
}
