import { type Message, type Task, TaskState } from '@a2a-js/sdk';
import { type Client as A2AClient, ClientFactory } from '@a2a-js/sdk/client';
import { expect } from 'vitest';
import type { AgentDefinition } from '../../shared/a2a/agent.js';
import { TaskExecutor } from '../../shared/a2a/executor.js';
import { messageText, taskResult, userMessage } from '../../shared/a2a/parts.js';
import { type RunningAgent, serveAgent } from '../../shared/a2a/serve.js';
import type { Config } from '../../shared/config.js';
import type { Logger } from '../../shared/logger.js';

/** A SendMessage request with a text part and, when given, a data part. */
export const sendRequest = (text: string, data?: unknown) => ({ tenant: '', message: userMessage(text, data === undefined ? {} : { data }), configuration: undefined, metadata: undefined });

/** One agent served on a free port, and an SDK A2A client on it. */
export async function serveForTest(definition: AgentDefinition, config: Config, logger: Logger): Promise<{ agent: RunningAgent; client: A2AClient }> {
  const agent = await serveAgent({ agent: definition.name, executor: new TaskExecutor(definition.handler), config, logger, port: 0 });
  return { agent, client: await new ClientFactory().createFromUrl(agent.url) };
}

/** Sends a message, expects a Task that completed with a result, and returns its text and data. */
export async function askCompleted(client: A2AClient, text: string, data?: unknown): Promise<{ text: string; data: Record<string, unknown>; task: Task }> {
  const reply: Message | Task = await client.sendMessage(sendRequest(text, data));
  expect('status' in reply, 'expected a Task, got a Message').toBe(true);
  const task = reply as Task;
  expect(task.status?.state, messageText(task.status?.message)).toBe(TaskState.TASK_STATE_COMPLETED);
  const result = taskResult(task);
  expect(result, `the task ended without a result: ${messageText(task.status?.message)}`).toBeDefined();
  return { text: result!.text, data: (result!.data ?? {}) as Record<string, unknown>, task };
}
