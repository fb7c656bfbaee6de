/**
 * Talking to a peer over A2A with the SDK's client: its card, and one streamed task whose
 * progress is passed on as it arrives. A peer that fails, times out or cannot be reached is an
 * answer too (with its state), so the router can reply with what it has.
 */
import { type AgentCard, TaskState } from '@a2a-js/sdk';
import { ClientFactory, ClientFactoryOptions, DefaultAgentCardResolver, JsonRpcTransportFactory, RestTransportFactory } from '@a2a-js/sdk/client';
import { messageText, userMessage } from '../../shared/a2a/parts.js';
import { errorMessage } from '../../shared/errors.js';

export type PeerOutcome = 'completed' | 'failed' | 'canceled' | 'input-required' | 'timeout' | 'unreachable';

export interface PeerAnswer {
  agent: string;
  outcome: PeerOutcome;
  /** The answer; for `input-required`, what the peer asks (its status message). */
  text: string;
  /** The artifact's data part; for `input-required`, the status message's data part (e.g. a proposal to approve). */
  data: unknown;
  error?: string;
  /** The peer's task, to continue it (answer an `input-required`) or look it up. */
  taskId?: string;
  contextId?: string;
}

/** One message to a peer: a new task, or (with taskId and contextId) the next turn of one. */
export interface PeerRequest {
  text: string;
  data?: unknown;
  taskId?: string | undefined;
  contextId?: string | undefined;
}

function statusData(message: { parts?: Array<{ content?: { $case?: string; value?: unknown } }> } | undefined): unknown {
  return message?.parts?.find((p) => p.content?.$case === 'data')?.content?.value;
}

/** Sends the bearer token (when the crew has one) on every card and task request. */
function authFetch(token: string | undefined): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    if (token) headers.set('Authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
}

export class PeerClient {
  private readonly factory: ClientFactory;
  private readonly resolver: DefaultAgentCardResolver;

  constructor(token?: string) {
    const fetchImpl = authFetch(token);
    this.resolver = new DefaultAgentCardResolver({ fetchImpl });
    this.factory = new ClientFactory(
      ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
        transports: [new JsonRpcTransportFactory({ fetchImpl }), new RestTransportFactory({ fetchImpl })],
        cardResolver: this.resolver,
      }),
    );
  }

  card(baseUrl: string): Promise<AgentCard> {
    return this.resolver.resolve(baseUrl);
  }

  /** One task on a peer, streamed; never throws for the peer's own failures. */
  async ask(agent: string, card: AgentCard, request: PeerRequest, options: { timeoutMs: number; signal?: AbortSignal | undefined; onProgress?: (text: string) => void }): Promise<PeerAnswer> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('timeout')), options.timeoutMs);
    const stop = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', stop, { once: true });
    const texts: string[] = [];
    let data: unknown;
    let outcome: PeerOutcome = 'failed';
    let error: string | undefined;
    let taskId: string | undefined;
    let contextId: string | undefined;
    try {
      const client = await this.factory.createFromAgentCard(card);
      const stream = client.sendMessageStream(
        {
          tenant: '',
          message: userMessage(request.text, { ...(request.data === undefined ? {} : { data: request.data }), ...(request.taskId ? { taskId: request.taskId, contextId: request.contextId } : {}) }),
          configuration: undefined,
          metadata: undefined,
        },
        { signal: controller.signal },
      );
      for await (const event of stream) {
        const p = event.payload;
        if (p?.$case === 'statusUpdate' || p?.$case === 'task') {
          taskId = p.$case === 'task' ? p.value.id : p.value.taskId;
          contextId = p.value.contextId;
          const status = p.$case === 'task' ? p.value.status : p.value.status;
          const state = status?.state;
          // A continued task is first replayed as it was (input-required): its question is not this turn's answer.
          if (outcome === 'input-required' && state !== TaskState.TASK_STATE_INPUT_REQUIRED) {
            texts.length = 0;
            data = undefined;
            outcome = 'failed';
          }
          const said = messageText(status?.message);
          if (state === TaskState.TASK_STATE_WORKING && said) options.onProgress?.(said);
          if (state === TaskState.TASK_STATE_COMPLETED) outcome = 'completed';
          if (state === TaskState.TASK_STATE_FAILED) [outcome, error] = ['failed', said || 'the agent reported a failure'];
          if (state === TaskState.TASK_STATE_CANCELED) outcome = 'canceled';
          if (state === TaskState.TASK_STATE_INPUT_REQUIRED) {
            outcome = 'input-required';
            texts.splice(0, texts.length, said);
            data = statusData(status?.message);
          }
        }
        if (p?.$case === 'artifactUpdate') {
          for (const part of p.value.artifact?.parts ?? []) {
            if (part.content?.$case === 'text') texts.push(part.content.value);
            if (part.content?.$case === 'data') data = part.content.value;
          }
        }
      }
    } catch (e) {
      if (controller.signal.aborted && !options.signal?.aborted) [outcome, error] = ['timeout', `no answer within ${options.timeoutMs} ms (a2a.peerTimeoutMs)`];
      else if (options.signal?.aborted) [outcome, error] = ['canceled', 'the request was canceled'];
      else [outcome, error] = ['unreachable', errorMessage(e)];
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', stop);
    }
    return { agent, outcome, text: texts.join('\n'), data, ...(error ? { error } : {}), ...(taskId ? { taskId, contextId } : {}) };
  }
}
