/**
 * Starts the configured watch on MCP clients a crew already connected: read tools only, the watch
 * registered as the process's active one (index.ts) until it is stopped.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { mcpToolBox } from '../reasoning/toolbox.js';
import { activeWatch, setActiveWatch } from './index.js';
import { createWatch, type Watch } from './loop.js';

/** What the watch may call: the snapshot's and the anomaly check's read tools, nothing that writes. */
export const WATCH_KUBERNETES_TOOLS = ['k8s_list', 'k8s_get', 'k8s_events', 'k8s_logs', 'k8s_namespaces'] as const;
export const WATCH_PROMETHEUS_TOOLS = ['prom_query_range'] as const;

export function startWatch(config: Config, logger: Logger, clients: { kubernetes?: Client | undefined; prometheus?: Client | undefined }): { watch: Watch; stop(): Promise<void> } {
  const watch = createWatch({
    kubernetes: clients.kubernetes ? mcpToolBox(clients.kubernetes, WATCH_KUBERNETES_TOOLS) : undefined,
    prometheus: clients.prometheus ? mcpToolBox(clients.prometheus, WATCH_PROMETHEUS_TOOLS) : undefined,
    namespaces: config.watch.namespaces,
    intervalSeconds: config.watch.intervalSeconds,
    logger,
  });
  setActiveWatch(watch);
  watch.start();
  return {
    watch,
    stop: async () => {
      await watch.stop();
      if (activeWatch() === watch) setActiveWatch(undefined);
    },
  };
}
