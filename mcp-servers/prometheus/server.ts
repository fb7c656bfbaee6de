import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolPolicy } from '../../shared/mcp/policy.js';
import type { PrometheusClient } from './client.js';
import { registerPrometheusContext } from './context.js';
import { registerAlerts } from './tools/alerts.js';
import { registerLabels } from './tools/labels.js';
import { registerMetadata } from './tools/metadata.js';
import { registerQuery } from './tools/query.js';
import { registerQueryRange } from './tools/query-range.js';
import { registerSeries } from './tools/series.js';
import { registerTargets } from './tools/targets.js';

export const SERVER_NAME = 'k8s-experts-prometheus';

const INSTRUCTIONS = `Query Prometheus. Find metric names with prom_label_values label=__name__ and their meaning with prom_metadata; answer with prom_query (now) or prom_query_range (trends). Results are budgeted: aggregate (sum by, topk) rather than fetching thousands of series.`;

export function createPrometheusServer(prom: PrometheusClient, policy: ToolPolicy, version: string): McpServer {
  const server = new McpServer({ name: SERVER_NAME, version }, { instructions: INSTRUCTIONS, capabilities: { logging: {} } });
  for (const register of [registerQuery, registerQueryRange, registerSeries, registerLabels, registerMetadata, registerTargets, registerAlerts]) register(server, prom, policy);
  registerPrometheusContext(server, prom);
  return server;
}
