import type { Config } from '../../shared/config.js';
import { UserError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { ToolPolicy } from '../../shared/mcp/policy.js';
import { PrometheusClient } from './client.js';
import { createPrometheusServer } from './server.js';

export { createPrometheusServer } from './server.js';

/** A factory of prometheus MCP servers for any transport. */
export function prometheusServerFactory(config: Config, _logger: Logger, version: string) {
  const { url } = config.prometheus;
  if (!url) throw new UserError('no Prometheus is configured', 'set prometheus.url / K8S_EXPERTS_PROMETHEUS_URL (the demo cluster\'s is printed by `k8s-experts cluster status`)');
  const prom = new PrometheusClient({ ...config.prometheus, url });
  const policy = new ToolPolicy(config.mcp);
  return () => createPrometheusServer(prom, policy, version);
}
