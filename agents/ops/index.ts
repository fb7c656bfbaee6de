/**
 * The ops agent: troubleshooting and read queries (cards/ops.json) over the kubernetes MCP
 * server's read tools. Skills: cluster-query, diagnose-workload, service-connectivity, analyze-cluster.
 */
import type { AgentContext, AgentDefinition } from '../../shared/a2a/agent.js';
import { UserError } from '../../shared/errors.js';
import { mcpToolBox } from '../../shared/reasoning/toolbox.js';
import { opsHandler } from './handler.js';

/** The kubernetes tools ops may call: reads only. */
export const OPS_TOOLS = ['k8s_list', 'k8s_get', 'k8s_describe', 'k8s_logs', 'k8s_events', 'k8s_nodes', 'k8s_namespaces', 'k8s_rollout', 'k8s_api_resources', 'k8s_can_i', 'k8s_top'] as const;

export function createOpsAgent(ctx: AgentContext): AgentDefinition {
  const client = ctx.mcp.kubernetes;
  if (!client) throw new UserError('the ops agent needs the kubernetes MCP server', 'connect the kubernetes MCP client (mcpServers: kubernetes)');
  const tools = mcpToolBox(client, OPS_TOOLS);
  return { name: 'ops', mcpServers: ['kubernetes'], handler: opsHandler(tools, ctx.config, ctx.logger.child({ agent: 'ops' })) };
}
