import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { renderTable } from '../../../shared/table.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import type { ToolPolicy } from '../../../shared/mcp/policy.js';
import { toolResult } from '../../../shared/mcp/result.js';
import type { PrometheusClient } from '../client.js';

interface ActiveTarget {
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  health: string;
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
}

export function registerTargets(server: McpServer, prom: PrometheusClient, policy: ToolPolicy): void {
  registerPolicedTool(
    server,
    policy,
    'prom_targets',
    'read',
    {
      title: 'Scrape targets',
      description: 'What Prometheus scrapes and whether each target is up, with the last scrape error. Filter by job or health.',
      inputSchema: {
        job: z.string().max(200).optional().describe('Only this scrape job'),
        health: z.enum(['up', 'down', 'unknown']).optional(),
      },
      outputSchema: {
        targets: z.array(z.object({ job: z.string(), instance: z.string(), health: z.string(), lastError: z.string(), scrapeUrl: z.string(), lastScrapeDuration: z.number() })),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const { data } = await prom.call<{ activeTargets: ActiveTarget[] }>('targets', { state: 'active' });
      const targets = data.activeTargets
        .map((t) => ({ job: t.labels.job ?? t.scrapePool, instance: t.labels.instance ?? '', health: t.health, lastError: t.lastError, scrapeUrl: t.scrapeUrl, lastScrapeDuration: t.lastScrapeDuration }))
        .filter((t) => (!args.job || t.job === args.job) && (!args.health || t.health === args.health));
      const text = targets.length
        ? renderTable(['Job', 'Instance', 'Health', 'Last error'], targets.map((t) => [t.job, t.instance, t.health, t.lastError || '']))
        : 'No targets match.';
      return toolResult(text, { targets });
    },
  );
}
