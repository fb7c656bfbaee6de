import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { type ElicitResult, ElicitResultSchema, type ServerNotification, type ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { errorMessage, UserError } from '../errors.js';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface ConfirmRequest {
  /** What will happen, in one line: "delete Deployment shop/cart". */
  action: string;
  /** What the dry run showed (a diff, the pods to evict), for the person who decides. Secret values already masked. */
  details: string;
}

/** How a person answered (or why nobody could): only `accepted` lets a change run. */
export type ConfirmOutcome = 'accepted' | 'declined' | 'cancelled' | 'unticked' | 'no elicitation support' | 'no answer';

export interface ConfirmAnswer {
  outcome: ConfirmOutcome;
  /** Why asking failed (`no answer`): a time-out, a cancelled call, a client error. */
  error?: string | undefined;
}

/** Asks the person behind the client; never throws — a failure to ask is an answer too (not a yes). */
export type AskPerson = (request: ConfirmRequest) => Promise<ConfirmAnswer>;

/** A person reads the change before answering: give them time, but not forever. */
export const CONFIRM_TIMEOUT_MS = 5 * 60_000;
const MAX_DETAILS_CHARS = 8_000;

const CONFIRM_SCHEMA = {
  type: 'object' as const,
  properties: {
    confirm: { type: 'boolean' as const, title: 'Run this change', description: 'Tick to run it; anything else cancels it and nothing changes', default: false },
  },
  required: ['confirm'],
};

/** The message a client shows when asking: the action, then what the dry run showed. */
export function confirmationMessage(request: ConfirmRequest): string {
  const details = request.details.length > MAX_DETAILS_CHARS ? `${request.details.slice(0, MAX_DETAILS_CHARS)}\n… (cut; preview it whole with dryRun: true)` : request.details;
  return `Confirm: ${request.action}\n\n${details.trim() || '(the dry run showed no change)'}`;
}

/**
 * Asks through MCP elicitation, sent on the tool call's own request (so it reaches the client
 * over stdio and over the call's HTTP stream). A client that declares no elicitation is not
 * asked; no answer in time is `no answer`.
 */
export function elicitationAsker(server: McpServer, extra: ToolExtra, timeoutMs = CONFIRM_TIMEOUT_MS): AskPerson {
  return async (request) => {
    if (!server.server.getClientCapabilities()?.elicitation) return { outcome: 'no elicitation support' };
    let result: ElicitResult;
    try {
      result = await extra.sendRequest(
        { method: 'elicitation/create', params: { mode: 'form', message: confirmationMessage(request), requestedSchema: CONFIRM_SCHEMA } },
        ElicitResultSchema,
        { timeout: timeoutMs, signal: extra.signal },
      );
    } catch (e) {
      return { outcome: 'no answer', error: errorMessage(e) };
    }
    if (result.action === 'accept') return { outcome: result.content?.confirm === true ? 'accepted' : 'unticked' };
    return { outcome: result.action === 'decline' ? 'declined' : 'cancelled' };
  };
}

/** What the audit records as the reason of a person's answer: "declined", "no answer (Request timed out)". */
export function describeAnswer(answer: ConfirmAnswer): string {
  return answer.outcome === 'no answer' ? `no answer (${answer.error ?? 'unknown error'})` : answer.outcome;
}

/**
 * The error for anything but a yes: nothing was changed, and how to go on. `need` says what was
 * asked for ("confirmation", or the guardian's "approval (…reasons…)").
 */
export function notConfirmed(request: Pick<ConfirmRequest, 'action'>, answer: ConfirmAnswer, need = 'confirmation'): UserError {
  switch (answer.outcome) {
    case 'no elicitation support':
      return new UserError(
        `${request.action} needs a person's ${need}, and this MCP client cannot be asked (it declares no elicitation capability); nothing was changed`,
        'preview the change with dryRun: true; run it from a client that supports elicitation; or, where another layer already approves writes, an operator sets mcp.confirmDestructive=false',
      );
    case 'no answer':
      return new UserError(`${request.action} was not confirmed: asking the client failed (${answer.error ?? 'unknown error'}); nothing was changed`, 'call again when someone can answer, or preview it with dryRun: true');
    default: {
      const how = answer.outcome === 'unticked' ? 'accepted without ticking confirm' : answer.outcome;
      return new UserError(`${request.action} was not confirmed (${how}); nothing was changed`);
    }
  }
}
