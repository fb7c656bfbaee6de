/**
 * One model call with a time-out per attempt, retries with exponential back-off on time-outs,
 * 429, 5xx and lost connections (never on other 4xx), and the caller's AbortSignal honoured at
 * every point (during a call and during a back-off wait). Failures come out as LlmError with a
 * message a person can act on: which endpoint, what it said, and which setting to check.
 */
import type { Logger } from '../../logger.js';
import { type AssistantReply, type ChatMessage, type ChatProvider, ModelCallError, type ToolSpec } from './types.js';

/** A model call that failed for good; `setting` names the config setting to look at. */
export class LlmError extends Error {
  override readonly name = 'LlmError';
  constructor(
    message: string,
    readonly setting: string | undefined,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface RetryOptions {
  timeoutMs: number;
  retries: number;
  /** First back-off wait; doubles per retry (with a little jitter), capped at 30 s. */
  backoffMs: number;
  logger: Logger;
}

const MAX_BACKOFF_MS = 30_000;

/** Waits ms, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

function backoff(attempt: number, base: number, retryAfterSeconds: number | undefined): number {
  const exp = Math.min(MAX_BACKOFF_MS, base * 2 ** (attempt - 1));
  const jittered = exp * (0.8 + Math.random() * 0.4);
  if (retryAfterSeconds !== undefined) return Math.min(MAX_BACKOFF_MS, Math.max(jittered, retryAfterSeconds * 1000));
  return jittered;
}

function retryable(e: unknown): boolean {
  if (e instanceof ModelCallError) {
    if (e.network) return true;
    if (e.status === 429 || e.status === 408) return true;
    return e.status !== undefined && e.status >= 500;
  }
  return false;
}

/** The message a person reads for an error the endpoint answered with. */
export function describeFailure(provider: ChatProvider, e: unknown, attempts: number): LlmError {
  const at = provider.endpoint;
  const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
  if (e instanceof ModelCallError) {
    const detail = e.message ? ` (${e.message})` : '';
    if (e.network) {
      return new LlmError(`could not reach the model endpoint ${at}${detail}${tries}: check llm.baseUrl and that the model server runs`, 'llm.baseUrl');
    }
    const status = e.status;
    if (status === 401 || status === 403) {
      return new LlmError(`the model endpoint ${at} answered ${status}${detail}: check llm.apiKey`, 'llm.apiKey', status);
    }
    if (status === 404) {
      if (/model/i.test(e.message)) {
        return new LlmError(`model ${provider.model} not found at ${at}${detail}: check llm.model`, 'llm.model', status);
      }
      const hint = provider.name === 'openai' ? ' (an OpenAI-compatible endpoint usually ends in /v1)' : '';
      return new LlmError(`the model endpoint ${at} answered 404${detail}: check llm.baseUrl${hint}`, 'llm.baseUrl', status);
    }
    if (status === 429) {
      return new LlmError(`the model endpoint ${at} kept answering 429 (rate limited)${detail}${tries}: wait, or raise the quota behind llm.apiKey`, 'llm.apiKey', status);
    }
    if (status !== undefined && status >= 500) {
      return new LlmError(`the model endpoint ${at} answered ${status}${detail}${tries}: the model server failed; check its logs`, undefined, status);
    }
    if (status === 400 || status === 422) {
      return new LlmError(
        `the model endpoint ${at} refused the request with ${status}${detail}: check that llm.model (${provider.model}) supports tool calling`,
        'llm.model',
        status,
      );
    }
    return new LlmError(`the model endpoint ${at} answered ${status ?? 'with an error'}${detail}`, undefined, status);
  }
  const message = e instanceof Error ? e.message : String(e);
  return new LlmError(`the model call to ${at} failed: ${message}`, undefined);
}

/**
 * Calls the model once per attempt, at most 1 + retries attempts. Rejects with the caller's
 * abort reason when `signal` aborts, with LlmError otherwise.
 */
export async function callModel(
  provider: ChatProvider,
  request: { messages: ChatMessage[]; tools: ToolSpec[]; signal?: AbortSignal | undefined },
  options: RetryOptions,
): Promise<AssistantReply> {
  const outer = request.signal;
  const attempts = options.retries + 1;
  for (let attempt = 1; ; attempt++) {
    outer?.throwIfAborted();
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new DOMException(`no answer within ${options.timeoutMs} ms`, 'TimeoutError')), options.timeoutMs);
    const signal = outer ? AbortSignal.any([outer, timeout.signal]) : timeout.signal;
    let failure: unknown;
    let timedOut = false;
    try {
      return await raceAbort(provider.chat({ messages: request.messages, tools: request.tools, signal }), signal);
    } catch (e) {
      if (outer?.aborted) throw abortReason(outer);
      timedOut = timeout.signal.aborted;
      failure = e;
    } finally {
      clearTimeout(timer);
    }
    const again = attempt < attempts && (timedOut || retryable(failure));
    if (!again) {
      if (timedOut) {
        const tries = attempt > 1 ? `, ${attempt} attempts` : '';
        throw new LlmError(
          `the model endpoint ${provider.endpoint} gave no answer within ${options.timeoutMs} ms (llm.timeoutMs${tries}): raise llm.timeoutMs or use a faster model`,
          'llm.timeoutMs',
        );
      }
      throw describeFailure(provider, failure, attempt);
    }
    const wait = backoff(attempt, options.backoffMs, failure instanceof ModelCallError ? failure.retryAfterSeconds : undefined);
    options.logger.warn(
      { provider: provider.name, endpoint: provider.endpoint, attempt, waitMs: Math.round(wait), reason: timedOut ? 'time-out' : String((failure as Error)?.message ?? failure) },
      'model call failed; retrying',
    );
    await sleep(wait, outer);
  }
}

/** Settles as soon as the signal aborts, even if the provider's client does not notice. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
