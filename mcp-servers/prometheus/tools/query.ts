import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import type { ToolPolicy } from '../../../shared/mcp/policy.js';
import { toolResult } from '../../../shared/mcp/result.js';
import type { PrometheusClient } from '../client.js';
import { finite, formatNumber, type VectorSample, viewVector } from '../format.js';
import { promqlInput, timeInput } from '../schemas.js';
import { parseTime } from '../time.js';

const sample = z.object({ metric: z.record(z.string(), z.string()), value: z.number().nullable().describe('null for NaN/Inf'), timestamp: z.number() });

export function registerQuery(server: McpServer, prom: PrometheusClient, policy: ToolPolicy): void {
  registerPolicedTool(
    server,
    policy,
    'prom_query',
    'read',
    {
      title: 'PromQL instant query',
      description: 'Evaluate PromQL at one instant (default now). Vectors come back largest first, at most `limit` series; scalars and strings as they are.',
      inputSchema: {
        query: promqlInput,
        time: timeInput.optional(),
        limit: z.number().int().min(1).max(1000).default(50).describe('Series to return (1–1000, default 50)'),
      },
      outputSchema: {
        resultType: z.enum(['vector', 'scalar', 'string', 'matrix']),
        series: z.array(sample),
        scalar: z.number().nullable().describe('for scalar results; null for NaN/Inf'),
        total: z.number().int(),
        omitted: z.number().int(),
        warnings: z.array(z.string()),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const time = args.time ? String(parseTime(args.time)) : undefined;
      const { data, warnings } = await prom.call<{ resultType: string; result: unknown }>('query', { query: args.query, time }, 'POST');
      if (data.resultType === 'scalar' || data.resultType === 'string') {
        const [, value] = data.result as [number, string];
        return toolResult(`${data.resultType}: ${formatNumber(value)}`, { resultType: data.resultType, series: [], scalar: finite(value), total: 1, omitted: 0, warnings });
      }
      if (data.resultType === 'matrix') {
        const n = (data.result as unknown[]).length;
        return toolResult(`The query returned a range vector (${n} series): use prom_query_range, or wrap it in a function such as rate(…) or max_over_time(…).`, {
          resultType: 'matrix',
          series: [],
          scalar: null,
          total: n,
          omitted: n,
          warnings,
        });
      }
      const samples = data.result as VectorSample[];
      const view = viewVector(samples, args.limit);
      const text = warnings.length ? `${view.text}\nwarnings: ${warnings.join('; ')}` : view.text;
      return toolResult(text, { resultType: 'vector', series: view.series, scalar: null, total: samples.length, omitted: view.omitted, warnings });
    },
  );
}
