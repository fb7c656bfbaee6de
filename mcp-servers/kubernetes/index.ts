import type { Config } from '../../shared/config.js';
import type { Logger } from '../../shared/logger.js';
import { executionSettings, ToolPolicy, type WriteDeps } from '../../shared/mcp/policy.js';
import { ClusterAccess } from '../../shared/cluster-access.js';
import { createKubernetesServer } from './server.js';

export { createKubernetesServer } from './server.js';

/** How the audit log names this server's entries. */
export const AUDIT_AGENT = 'mcp-kubernetes';

/**
 * A factory of kubernetes MCP servers for any transport (one per stdio process or HTTP session).
 * `deps.audit` records every write; `deps.policy` is the guardian's policy (e.g. hot-reloaded).
 */
export function kubernetesServerFactory(config: Config, logger: Logger, version: string, deps: WriteDeps = {}) {
  const access = new ClusterAccess(config.kubernetes, new ToolPolicy(config.mcp, executionSettings(config, AUDIT_AGENT, deps)), logger);
  return () => createKubernetesServer(access, version);
}
