import type { AgentContext, AgentDefinition } from '../../shared/a2a/agent.js';
import type { TaskHandler } from '../../shared/a2a/executor.js';
import type { ReasoningEngine } from '../../shared/reasoning/engine.js';
import { modelSkillPicker } from './model-pick.js';
import { PeerClient } from './peer-client.js';
import { PeerDirectory, type PeerSource } from './peers.js';
import { Router } from './route.js';

export { createQueryApp } from './query.js';

/** How often the router re-reads its peers' cards. */
const CARD_REFRESH_MS = 15_000;

export interface RouterAgent extends AgentDefinition {
  router: Router;
  directory: PeerDirectory;
  /** The router as a reasoning engine, for /query and the MCP bridge: the specialist's bare answer. */
  engine: ReasoningEngine;
}

/**
 * The router: finds its peers through their cards (`sources`), routes each request to the best
 * skill over A2A, and names who answered. Its own card's skills are answer and plan-change.
 */
export async function createRouterAgent(ctx: AgentContext, sources: () => Promise<PeerSource[]>): Promise<RouterAgent> {
  const client = new PeerClient(ctx.config.a2a.token);
  const directory = new PeerDirectory(client, sources, ctx.logger);
  await directory.refresh();
  directory.start(CARD_REFRESH_MS);
  const router = new Router(directory, client, ctx.config.a2a.peerTimeoutMs, ctx.logger, modelSkillPicker(ctx.config.llm, ctx.logger));

  const handler: TaskHandler = async (task) => {
    const wanted = task.data.find((d): d is { agent?: string; skill?: string } => typeof d === 'object' && d !== null && ('agent' in d || 'skill' in d));
    const result = await router.route(task.text, { signal: task.signal, onProgress: (text) => task.progress(text), agent: wanted?.agent, skill: wanted?.skill });
    const footer = result.agents.length ? `\n\n— answered by ${result.agents.join(', ')}` : '';
    return { text: `${result.text}${footer}`, data: result.data };
  };

  const engine: ReasoningEngine = {
    name: 'router',
    async answer(request) {
      const result = await router.route(request.question, { signal: request.signal, onProgress: (text) => request.onProgress?.({ kind: 'note', text }) });
      return { text: result.text, data: result.data, toolCalls: [], understood: result.answered };
    },
  };

  return { name: 'router', mcpServers: [], handler, router, directory, engine, close: async () => directory.stop() };
}
