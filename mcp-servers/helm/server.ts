import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerHelmContext } from './context.js';
import type { HelmDeps } from './deps.js';
import { registerChartTools } from './tools/charts.js';
import { registerGet } from './tools/get.js';
import { registerReleaseTools } from './tools/releases.js';

export const SERVER_NAME = 'k8s-experts-helm';

const INSTRUCTIONS = `Helm through its CLI (argument arrays only). helm_list / helm_status / helm_history / helm_get read releases in the cluster; helm_template / helm_lint / helm_show work on local chart paths without the cluster. Secrets in manifests and credential-named values are masked.`;

export function createHelmServer(deps: HelmDeps, version: string): McpServer {
  const server = new McpServer({ name: SERVER_NAME, version }, { instructions: INSTRUCTIONS, capabilities: { logging: {} } });
  for (const register of [registerReleaseTools, registerGet, registerChartTools]) register(server, deps);
  registerHelmContext(server, deps);
  return server;
}
