import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { UserError } from '../../../shared/errors.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import type { ToolPolicy } from '../../../shared/mcp/policy.js';
import { toolResult } from '../../../shared/mcp/result.js';
import type { PrometheusClient } from '../client.js';
import { type MatrixSeries, viewMatrix } from '../format.js';
import { promqlInput, timeInput } from '../schemas.js';
import { parseStep, parseTime } from '../time.js';

/** Prometheus refuses more than 11,000 points per series. */
const MAX_POINTS = 11_000;

export function registerQueryRange(server: McpServer, prom: PrometheusClient, policy: ToolPolicy): void {
  registerPolicedTool(
    server,
    policy,
    'prom_query_range',
    'read',
    {
      title: 'PromQL range query',
      description: 'Evaluate PromQL over a time range at a step. Each series comes back summarised (points, min, avg, max, last) with its values thinned to `maxPoints`.',
      inputSchema: {
        query: promqlInput,
        start: timeInput.default('now-1h'),
        end: timeInput.default('now'),
        step: z.union([z.string().max(32), z.number().positive()]).default('1m').describe('Resolution, e.g. 15s, 1m, 5m'),
        limit: z.number().int().min(1).max(500).default(20).describe('Series to return (default 20)'),
        maxPoints: z.number().int().min(2).max(2000).default(120).describe('Points per series in structuredContent (default 120)'),
      },
      outputSchema: {
        series: z.array(
          z.object({
            metric: z.record(z.string(), z.string()),
            points: z.number().int(),
            min: z.number().nullable(),
            max: z.number().nullable(),
            avg: z.number().nullable(),
            last: z.number().nullable(),
            values: z.array(z.tuple([z.number(), z.number().nullable()])),
          }),
        ),
        total: z.number().int(),
        omitted: z.number().int(),
        downsampled: z.boolean(),
        start: z.number(),
        end: z.number(),
        step: z.number(),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const now = Date.now() / 1000;
      const start = parseTime(args.start, now);
      const end = parseTime(args.end, now);
      const step = parseStep(args.step);
      if (end <= start) throw new UserError(`end (${args.end}) is not after start (${args.start})`, 'swap them, or use start=now-1h end=now');
      const points = Math.floor((end - start) / step) + 1;
      if (points > MAX_POINTS) {
        throw new UserError(`${points} points per series is more than Prometheus allows (${MAX_POINTS})`, `use a bigger step (at least ${Math.ceil((end - start) / MAX_POINTS)}s) or a shorter range`);
      }
      const { data, warnings } = await prom.call<{ result: MatrixSeries[] }>('query_range', { query: args.query, start: String(start), end: String(end), step: String(step) }, 'POST');
      const view = viewMatrix(data.result, args.limit, args.maxPoints);
      const text = warnings.length ? `${view.text}\nwarnings: ${warnings.join('; ')}` : view.text;
      return toolResult(text, { series: view.series, total: data.result.length, omitted: view.omitted, downsampled: view.downsampled, start, end, step });
    },
  );
}
