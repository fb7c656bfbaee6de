import type { Config } from '../../shared/config.js';
import type { Logger } from '../../shared/logger.js';
import { ToolPolicy } from '../../shared/mcp/policy.js';
import { ClusterAccess } from '../../shared/cluster-access.js';
import { createKubernetesServer } from './server.js';

export { createKubernetesServer } from './server.js';

/** A factory of kubernetes MCP servers for any transport (one per stdio process or HTTP session). */
export function kubernetesServerFactory(config: Config, logger: Logger, version: string) {
  const access = new ClusterAccess(config.kubernetes, new ToolPolicy(config.mcp), logger);
  return () => createKubernetesServer(access, version);
}
