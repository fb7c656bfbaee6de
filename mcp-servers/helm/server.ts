import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerHelmContext } from './context.js';
import type { HelmDeps } from './deps.js';
import { registerChartTools } from './tools/charts.js';
import { registerGet } from './tools/get.js';
import { registerInstall } from './tools/install.js';
import { registerReleaseTools } from './tools/releases.js';
import { registerRollback } from './tools/rollback.js';
import { registerUninstall } from './tools/uninstall.js';
import { registerUpgrade } from './tools/upgrade.js';

export const SERVER_NAME = 'k8s-experts-helm';

const INSTRUCTIONS = `Helm through its CLI (argument arrays only). helm_list / helm_status / helm_history / helm_get read releases in the cluster; helm_template / helm_lint / helm_show work on local chart paths without the cluster. Secrets in manifests and credential-named values are masked.

Write tools exist only when an operator enabled writes (mcp.allowWrites) and the execution mode is not read-only: helm_install (local charts), helm_upgrade, helm_rollback, helm_uninstall. Each takes dryRun: true to show the objects it would create, change or delete and a diff of the manifests, changing nothing — preview first, then run (in execution mode propose every call is only a dry run). The guardian policy judges the objects each change touches: deny refuses it, require-approval asks the person through the client. Upgrade, rollback and uninstall are always confirmed that way before anything changes; a declined or unanswerable question changes nothing. Protected namespaces and denied kinds are refused, also when a chart renders them.`;

export function createHelmServer(deps: HelmDeps, version: string): McpServer {
  const server = new McpServer({ name: SERVER_NAME, version }, { instructions: INSTRUCTIONS, capabilities: { logging: {} } });
  // Write tools register themselves only when policy allows writes (registerPolicedTool).
  for (const register of [registerReleaseTools, registerGet, registerChartTools, registerInstall, registerUpgrade, registerRollback, registerUninstall]) register(server, deps);
  registerHelmContext(server, deps);
  return server;
}
