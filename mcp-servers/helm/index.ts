import { ClusterAccess } from '../../shared/cluster-access.js';
import type { Config } from '../../shared/config.js';
import { findKubeconfig } from '../../shared/kube.js';
import type { Logger } from '../../shared/logger.js';
import { executionSettings, ToolPolicy, type WriteDeps } from '../../shared/mcp/policy.js';
import { HelmRunner } from './runner.js';
import { createHelmServer } from './server.js';

export { createHelmServer } from './server.js';

/** How the audit log names this server's entries. */
export const AUDIT_AGENT = 'mcp-helm';

/**
 * A factory of helm MCP servers; `binary` is the helm to run (resolved by the caller), `deps.audit`
 * records every write, `deps.policy` is the guardian's policy (e.g. hot-reloaded).
 */
export function helmServerFactory(config: Config, logger: Logger, version: string, binary = config.helm.binary ?? 'helm', deps: WriteDeps = {}) {
  const located = findKubeconfig(config.kubernetes.kubeconfig);
  const helm = new HelmRunner({ binary, kubeconfig: located?.files[0], timeoutMs: config.helm.timeoutMs });
  const access = new ClusterAccess(config.kubernetes, new ToolPolicy(config.mcp, executionSettings(config, AUDIT_AGENT, deps)), logger);
  return () => createHelmServer({ helm, access }, version);
}
