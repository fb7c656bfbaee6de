/**
 * The admin agent: cluster lifecycle (cards/admin.json) over the kubernetes MCP server's read
 * tools. Skills: cluster-versions, node-health, upgrade-readiness.
 */
import type { AgentContext, AgentDefinition } from '../../shared/a2a/agent.js';
import { UserError } from '../../shared/errors.js';
import { mcpToolBox } from '../../shared/reasoning/toolbox.js';
import { adminHandler } from './handler.js';

/** The kubernetes tools admin may call: reads only. */
export const ADMIN_TOOLS = ['k8s_list', 'k8s_get', 'k8s_describe', 'k8s_events', 'k8s_nodes', 'k8s_namespaces', 'k8s_api_resources', 'k8s_can_i', 'k8s_top', 'k8s_certificates'] as const;

export function createAdminAgent(ctx: AgentContext): AgentDefinition {
  const client = ctx.mcp.kubernetes;
  if (!client) throw new UserError('the admin agent needs the kubernetes MCP server', 'connect the kubernetes MCP client (mcpServers: kubernetes)');
  const tools = mcpToolBox(client, ADMIN_TOOLS);
  return { name: 'admin', mcpServers: ['kubernetes'], handler: adminHandler(tools, client, ctx.config, ctx.logger.child({ agent: 'admin' })) };
}
