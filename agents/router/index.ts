import { TaskState } from '@a2a-js/sdk';
import type { AgentContext, AgentDefinition } from '../../shared/a2a/agent.js';
import type { TaskHandler, TaskRunContext } from '../../shared/a2a/executor.js';
import { lowerMode } from '../../shared/config.js';
import { HOW_TO_ANSWER, parseApprovalReply } from '../../shared/execution/approval.js';
import type { ExecutionLayer } from '../../shared/execution/layer.js';
import { scrubSecretLiterals, secretLiteralsIn } from '../../shared/secret-literals.js';
import { requestedMode } from './change.js';
import type { ReasoningEngine } from '../../shared/reasoning/engine.js';
import { modelSkillPicker } from './model-pick.js';
import { PeerClient } from './peer-client.js';
import { PeerDirectory, type PeerSource } from './peers.js';
import { type ChangeContext, type RouteResult, Router } from './route.js';

export { createQueryApp } from './query.js';

/** How often the router re-reads its peers' cards. */
const CARD_REFRESH_MS = 15_000;

export interface RouterAgent extends AgentDefinition {
  router: Router;
  directory: PeerDirectory;
  /** The router as a reasoning engine, for /query and the MCP bridge: the specialist's bare answer. */
  engine: ReasoningEngine;
}

/** Who sent a task's message, as the A2A server authenticated them. */
function callerOf(task: TaskRunContext): string {
  const user = task.request.context?.user;
  return user?.isAuthenticated ? `a2a:${user.userName}` : 'a2a:anonymous';
}

const asTaskResult = (result: RouteResult) => {
  const footer = result.agents.length && !result.inputRequired ? `\n\n— answered by ${result.agents.join(', ')}` : '';
  return { text: `${result.text}${footer}`, data: result.data, ...(result.inputRequired ? { inputRequired: true } : {}) };
};

/**
 * The router: finds its peers through their cards (`sources`), routes each request to the best
 * skill over A2A, and names who answered. Its own card's skills are answer and plan-change.
 * With an execution layer (modes propose and execute) a change becomes a proposal; one that
 * needs a person's approval leaves the task input-required until they answer on it.
 */
export async function createRouterAgent(ctx: AgentContext, sources: () => Promise<PeerSource[]>, options: { execution?: ExecutionLayer | undefined } = {}): Promise<RouterAgent> {
  const client = new PeerClient(ctx.config.a2a.token);
  const directory = new PeerDirectory(client, sources, ctx.logger);
  await directory.refresh();
  directory.start(CARD_REFRESH_MS);
  const execution = ctx.config.execution.mode === 'read-only' ? undefined : options.execution;
  const router = new Router(directory, client, ctx.config.a2a.peerTimeoutMs, ctx.logger, modelSkillPicker(ctx.config.llm, ctx.logger), execution);

  /** The change context of a request: its mode (the deployment's, or lower if it asked), who asks, its Secret values. */
  const changeContext = (task: TaskRunContext): ChangeContext | undefined => {
    const asked = requestedMode(task.text, task.data);
    const mode = lowerMode(ctx.config.execution.mode, 'error' in asked ? undefined : asked.mode);
    if (mode === 'read-only' || !execution) return undefined;
    return { mode, requestedBy: callerOf(task), scrubbedRequest: scrubSecretLiterals(task.text), secretLiterals: secretLiteralsIn(task.text), taskId: task.taskId, contextId: task.contextId };
  };

  const handler: TaskHandler = async (task) => {
    const ids = { taskId: task.taskId, contextId: task.contextId };
    const waiting = task.request.task?.status?.state === TaskState.TASK_STATE_INPUT_REQUIRED;
    if (waiting) {
      // A specialist's question this task relayed: the reply is its answer, sent on to that specialist.
      const relayed = await router.answerRelayed(ids, task.text, task.data, { signal: task.signal, onProgress: (text) => task.progress(text), change: changeContext(task) });
      if (relayed) return asTaskResult(relayed);
    }
    if (waiting && execution) {
      const parsed = parseApprovalReply(task.text, task.data);
      if ('error' in parsed) {
        const again = await router.askAgain(ids, `That was not an answer (${parsed.error}). ${HOW_TO_ANSWER}`);
        if (again) return asTaskResult(again);
      } else {
        const by = parsed.reply.by ? `${parsed.reply.by} (${callerOf(task)})` : callerOf(task);
        return asTaskResult(await router.decide(ids, parsed.reply, by, task.signal));
      }
    }
    const asked = requestedMode(task.text, task.data);
    if ('error' in asked) return { text: `Not run: ${asked.error}.`, data: { understood: false, error: asked.error } };
    const change = changeContext(task);
    const wanted = task.data.find((d): d is { agent?: string; skill?: string } => typeof d === 'object' && d !== null && ('agent' in d || 'skill' in d));
    const manifest = task.data.find((d): d is { manifest: string } => typeof d === 'object' && d !== null && typeof (d as { manifest?: unknown }).manifest === 'string')?.manifest;
    const result = await router.route(task.text, { signal: task.signal, onProgress: (text) => task.progress(text), agent: wanted?.agent, skill: wanted?.skill, change, manifest, task: ids });
    return asTaskResult(result);
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
