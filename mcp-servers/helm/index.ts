import { ClusterAccess } from '../../shared/cluster-access.js';
import type { Config } from '../../shared/config.js';
import { findKubeconfig } from '../../shared/kube.js';
import type { Logger } from '../../shared/logger.js';
import { ToolPolicy } from '../../shared/mcp/policy.js';
import { HelmRunner } from './runner.js';
import { createHelmServer } from './server.js';

export { createHelmServer } from './server.js';

/** A factory of helm MCP servers; `binary` is the helm to run (resolved by the caller). */
export function helmServerFactory(config: Config, logger: Logger, version: string, binary = config.helm.binary ?? 'helm') {
  const located = findKubeconfig(config.kubernetes.kubeconfig);
  const helm = new HelmRunner({ binary, kubeconfig: located?.files[0], timeoutMs: config.helm.timeoutMs });
  const access = new ClusterAccess(config.kubernetes, new ToolPolicy(config.mcp), logger);
  return () => createHelmServer({ helm, access }, version);
}
