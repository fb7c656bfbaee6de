import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import { z } from 'zod';
import { renderTable } from '../../shared/table.js';
import type { PrometheusClient } from './client.js';

/** Resources and prompts: what Prometheus watches at a glance, and a guided look at one metric. */
export function registerPrometheusContext(server: McpServer, prom: PrometheusClient): void {
  server.registerResource(
    'scrape-health',
    'prom://targets',
    { title: 'Scrape health', description: 'Every scrape target with its health and last error', mimeType: 'text/plain' },
    async (uri) => {
      const { data } = await prom.call<{ activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string }> }>('targets', { state: 'active' });
      const rows = data.activeTargets.map((t) => [t.labels.job ?? '', t.labels.instance ?? '', t.health, t.lastError]);
      const down = rows.filter((r) => r[2] !== 'up').length;
      return { contents: [{ uri: uri.href, mimeType: 'text/plain', text: `${rows.length} targets, ${down} not up\n${renderTable(['Job', 'Instance', 'Health', 'Last error'], rows)}` }] };
    },
  );

  server.registerPrompt(
    'explain-metric',
    {
      title: 'Explain a metric',
      description: 'What a metric measures, its current values and its trend over the last hour.',
      argsSchema: {
        metric: completable(z.string().regex(/^[A-Za-z_:][A-Za-z0-9_:]*$/, 'expected a metric name'), async (value) => {
          const { data } = await prom.call<string[]>('label/__name__/values');
          return data.filter((n) => n.startsWith(value)).slice(0, 100);
        }),
      },
    },
    ({ metric }) => ({
      messages: [
        {
          role: 'user',
          content: {
            type: 'text',
            text: `Explain the metric ${metric}: prom_metadata metric=${metric} for its type and meaning; prom_query for its current values (aggregate with sum by or topk when there are many series); prom_query_range over the last hour for its trend${metric.endsWith('_total') ? ' (it is a counter: use rate(...[5m]))' : ''}. Say what is normal and what stands out.`,
          },
        },
      ],
    }),
  );
}
