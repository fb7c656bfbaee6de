/**
 * The crew's execution layer, wired: an in-process kubernetes MCP server with write tools (its
 * own confirmations off — approvals happen in the layer, over A2A — but its policy checks, dry
 * runs and masking on), the audit chain and the proposal store. Nothing at all in read-only mode.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { join } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { AuditLog } from '../shared/audit/log.js';
import type { Config } from '../shared/config.js';
import { ExecutionLayer } from '../shared/execution/layer.js';
import { ProposalStore } from '../shared/execution/store.js';
import type { Logger } from '../shared/logger.js';
import { openPolicySource } from '../shared/policy/source.js';
import { VERSION } from '../shared/version.js';
import { kubernetesServerFactory } from '../mcp-servers/kubernetes/index.js';
import { helmServerFactory } from '../mcp-servers/helm/index.js';
import { createWorkspaceServer } from '../shared/execution/workspace-server.js';
import { helmBinary } from './helm-binary.js';

export interface OpenExecution {
  layer: ExecutionLayer;
  close(): Promise<void>;
}

/** How often pending approvals are checked for expiry. */
const SWEEP_MS = 10_000;

export async function openExecution(config: Config, logger: Logger): Promise<OpenExecution | undefined> {
  if (config.execution.mode === 'read-only') return undefined;
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const stop of closers.reverse()) await stop().catch((e: unknown) => logger.warn({ err: e }, 'closing the execution layer failed'));
  };
  try {
    const audit = await AuditLog.open(config);
    closers.push(() => audit.close());
    const store = await ProposalStore.open(config);
    closers.push(() => store.close());
    // The writer judges by the same policy file as the guardian (a second line of defence: it refuses a deny).
    const policy = openPolicySource(config, logger);
    closers.push(async () => policy.close());
    // The writer obeys the deployment's mode itself too: in propose mode it can only dry-run.
    const writerConfig: Config = { ...config, mcp: { ...config.mcp, allowWrites: true, confirmDestructive: false } };
    // No audit here: the layer records each step; the writer's own entries would say it twice.
    const executorLog = logger.child({ component: 'executor' });
    const connect = async (server: McpServer): Promise<Client> => {
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await server.connect(serverSide);
      const client = new Client({ name: 'k8s-experts-executor', version: VERSION });
      await client.connect(clientSide);
      closers.push(async () => {
        await client.close();
        await server.close();
      });
      return client;
    };
    const writer = await connect(kubernetesServerFactory(writerConfig, executorLog, VERSION, { policy: () => policy.current().policy })());
    const helm = await connect(helmServerFactory(writerConfig, executorLog, VERSION, helmBinary(config), { policy: () => policy.current().policy })());
    const workspace = await connect(createWorkspaceServer(config.execution.workspaceDir, VERSION));
    const layer = new ExecutionLayer({ writer, writers: { helm, workspace }, audit, store, approvalTimeoutMs: config.execution.approvalTimeoutSeconds * 1000, logger, agent: 'router', stagingDir: join(config.dataDir, 'charts') });
    const interrupted = await layer.recover();
    if (interrupted) logger.warn({ interrupted }, 'proposals that were running when the crew stopped are marked interrupted (not run again)');
    await layer.expireDue();
    layer.startSweeping(SWEEP_MS);
    closers.push(async () => layer.close());
    logger.info({ mode: config.execution.mode, audit: audit.location, proposals: store.location }, 'execution layer ready');
    return { layer, close };
  } catch (e) {
    await close();
    throw e;
  }
}
