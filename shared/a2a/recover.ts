import { TaskState } from '@a2a-js/sdk';
import { defaultServerCallContextBuilder, type TaskStore } from '@a2a-js/sdk/server';
import { agentMessage } from './parts.js';

const INTERRUPTED = [TaskState.TASK_STATE_SUBMITTED, TaskState.TASK_STATE_WORKING];

/**
 * Marks the agent's tasks that were `submitted` or `working` when its previous instance stopped
 * (crash, kill -9) as `failed`, saying so: no executor will ever finish them, and a client
 * polling GetTask should not wait forever. `input-required` tasks are left alone: the caller's
 * next message resumes them on the new instance. Assumes one running instance per agent name per
 * database. Returns the ids it marked.
 */
export async function failInterruptedTasks(store: TaskStore, agent: string): Promise<string[]> {
  const context = defaultServerCallContextBuilder({ extensions: undefined, user: undefined, headers: {} });
  const marked: string[] = [];
  for (const state of INTERRUPTED) {
    // Each page's tasks leave the filter once saved, so the first page is re-read until empty.
    for (let round = 0; round < 1_000; round++) {
      const page = await store.list(
        { tenant: '', contextId: '', status: state, pageSize: 100, pageToken: '', statusTimestampAfter: undefined, includeArtifacts: true },
        context,
      );
      if (page.tasks.length === 0) break;
      for (const task of page.tasks) {
        const text = `The ${agent} agent stopped while this task ran; it was not finished. Send the request again.`;
        task.status = {
          state: TaskState.TASK_STATE_FAILED,
          message: agentMessage(text, { taskId: task.id, contextId: task.contextId }),
          timestamp: new Date().toISOString(),
        };
        await store.save(task, context);
        marked.push(task.id);
      }
    }
  }
  return marked;
}
