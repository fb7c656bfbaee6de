import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { renderTable } from '../../../shared/table.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import type { ToolPolicy } from '../../../shared/mcp/policy.js';
import { toolResult } from '../../../shared/mcp/result.js';
import type { PrometheusClient } from '../client.js';

interface Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt?: string;
  value?: string;
}

interface RuleGroup {
  name: string;
  file: string;
  rules: Array<{ type: 'alerting' | 'recording'; name: string; query: string; health: string; lastError?: string; state?: string; alerts?: Alert[] }>;
}

export function registerAlerts(server: McpServer, prom: PrometheusClient, policy: ToolPolicy): void {
  registerPolicedTool(
    server,
    policy,
    'prom_alerts',
    'read',
    {
      title: 'Active alerts',
      description: 'Alerts that are pending or firing, with their labels, summary and since when.',
      inputSchema: { state: z.enum(['firing', 'pending']).optional() },
      outputSchema: { alerts: z.array(z.object({ name: z.string(), state: z.string(), labels: z.record(z.string(), z.string()), summary: z.string(), activeAt: z.string().nullable() })) },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const { data } = await prom.call<{ alerts: Alert[] }>('alerts');
      const alerts = data.alerts
        .filter((a) => !args.state || a.state === args.state)
        .map((a) => ({
          name: a.labels.alertname ?? '',
          state: a.state,
          labels: a.labels,
          summary: a.annotations.summary ?? a.annotations.description ?? a.annotations.message ?? '',
          activeAt: a.activeAt ?? null,
        }));
      const text = alerts.length ? renderTable(['Alert', 'State', 'Since', 'Summary'], alerts.map((a) => [a.name, a.state, a.activeAt ?? '', a.summary])) : 'No alerts are pending or firing.';
      return toolResult(text, { alerts });
    },
  );

  registerPolicedTool(
    server,
    policy,
    'prom_rules',
    'read',
    {
      title: 'Alerting and recording rules',
      description: 'The rules Prometheus evaluates, by group, with their expression, health and last error.',
      inputSchema: { type: z.enum(['alert', 'record']).optional() },
      outputSchema: {
        rules: z.array(z.object({ group: z.string(), type: z.string(), name: z.string(), query: z.string(), health: z.string(), lastError: z.string(), state: z.string().nullable() })),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const { data } = await prom.call<{ groups: RuleGroup[] }>('rules', { type: args.type });
      const rules = data.groups.flatMap((g) =>
        g.rules.map((r) => ({ group: g.name, type: r.type, name: r.name, query: r.query, health: r.health, lastError: r.lastError ?? '', state: r.state ?? null })),
      );
      const text = rules.length
        ? renderTable(['Group', 'Type', 'Name', 'Health', 'Expression'], rules.map((r) => [r.group, r.type, r.name, r.health, r.query]))
        : 'No rules are loaded.';
      return toolResult(text, { rules });
    },
  );
}
