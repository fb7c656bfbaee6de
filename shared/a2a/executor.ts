import { setMaxListeners } from 'node:events';
import { type Message, TaskState } from '@a2a-js/sdk';
import { AgentEvent, type AgentExecutor, type ExecutionEventBus, type RequestContext } from '@a2a-js/sdk/server';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { maskSecretLiterals, secretLiteralsIn } from '../secret-literals.js';
import { agentMessage, messageData, messageText, resultArtifact, type TaskResult } from './parts.js';

/** What a task handler gets: the request, its text and data, a cancellation signal and a progress channel. */
export interface TaskRunContext {
  request: RequestContext;
  taskId: string;
  contextId: string;
  /** The text parts of the user's message, joined. */
  text: string;
  /** The data parts of the user's message. */
  data: unknown[];
  /** Aborted when the task is canceled (CancelTask) or the server shuts down: stop, pass it to I/O. */
  signal: AbortSignal;
  /** Publishes a `working` status update carrying this text (streamed to SSE clients). */
  progress(text: string, data?: unknown): void;
}

/** Does the work of one task; the answer becomes an artifact with a text and a data part. */
export type TaskHandler = (ctx: TaskRunContext) => Promise<TaskResult>;

interface Running {
  controller: AbortController;
  contextId: string;
  /** A terminal status was published; nothing more goes on the bus. */
  settled: boolean;
}

const now = () => new Date().toISOString();

/**
 * An AgentExecutor around a plain async function, with the task lifecycle every agent needs:
 * `submitted` → `working` (+ progress updates) → artifact → `completed` (or `input-required` when
 * the handler asks the caller for more, e.g. an approval); a thrown error ends as
 * `failed` with the error's message; CancelTask aborts the handler's signal and ends the task as
 * `canceled` at once, even if the handler is slow to notice.
 */
export class TaskExecutor implements AgentExecutor {
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly handler: TaskHandler,
    private readonly logger?: Logger,
  ) {}

  execute = async (request: RequestContext, bus: ExecutionEventBus): Promise<void> => {
    const { taskId, contextId } = request;
    const state: Running = { controller: new AbortController(), contextId, settled: false };
    // A task fans out: a dozen tool calls in parallel each listen to its signal for a cancel.
    setMaxListeners(100, state.controller.signal);
    this.running.set(taskId, state);
    const status = (s: TaskState, message?: Message) => {
      if (state.settled) return;
      bus.publish(AgentEvent.statusUpdate({ taskId, contextId, status: { state: s, message, timestamp: now() }, metadata: undefined }));
    };
    try {
      // The SDK wants a Task event first on every turn, a follow-up to an existing task included
      // (its stored history already holds the new message).
      bus.publish(
        AgentEvent.task(
          request.task ?? {
            id: taskId,
            contextId,
            status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: now() },
            artifacts: [],
            history: [request.userMessage],
            metadata: undefined,
          },
        ),
      );
      status(TaskState.TASK_STATE_WORKING);
      const result = await this.handler({
        request,
        taskId,
        contextId,
        text: messageText(request.userMessage),
        data: messageData(request.userMessage),
        signal: state.controller.signal,
        progress: (text, data) => status(TaskState.TASK_STATE_WORKING, agentMessage(text, { taskId, contextId, data })),
      });
      if (state.settled) return;
      if (state.controller.signal.aborted) {
        this.settle(taskId, bus, TaskState.TASK_STATE_CANCELED, 'Task canceled.');
        return;
      }
      if (result.inputRequired) {
        status(TaskState.TASK_STATE_INPUT_REQUIRED, agentMessage(result.text, { taskId, contextId, data: result.data }));
      } else {
        bus.publish(AgentEvent.artifactUpdate({ taskId, contextId, artifact: resultArtifact(result), append: false, lastChunk: true, metadata: undefined }));
        status(TaskState.TASK_STATE_COMPLETED);
      }
      state.settled = true;
    } catch (e) {
      if (state.controller.signal.aborted) {
        this.settle(taskId, bus, TaskState.TASK_STATE_CANCELED, 'Task canceled.');
      } else {
        // The error may echo the request, and the request may hold a Secret value.
        this.logger?.warn({ error: maskSecretLiterals(errorMessage(e), secretLiteralsIn(messageText(request.userMessage))), taskId }, 'task failed');
        this.settle(taskId, bus, TaskState.TASK_STATE_FAILED, errorMessage(e));
      }
    } finally {
      this.running.delete(taskId);
    }
  };

  cancelTask = async (taskId: string, bus: ExecutionEventBus): Promise<void> => {
    const state = this.running.get(taskId);
    if (state) state.controller.abort(new Error('task canceled'));
    this.settle(taskId, bus, TaskState.TASK_STATE_CANCELED, 'Task canceled on request.');
  };

  /** Tasks this executor is running now. */
  get runningTasks(): string[] {
    return [...this.running.keys()];
  }

  private settle(taskId: string, bus: ExecutionEventBus, s: TaskState, text: string): void {
    const state = this.running.get(taskId);
    if (state?.settled) return;
    if (state) state.settled = true;
    const contextId = state?.contextId ?? '';
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId,
        status: { state: s, message: agentMessage(text, { taskId, contextId }), timestamp: now() },
        metadata: undefined,
      }),
    );
  }
}
