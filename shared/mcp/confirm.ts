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

/** Asks the person behind the client to confirm a change; throws a UserError when they do not. */
export type Confirm = (request: ConfirmRequest) => Promise<void>;

/** A person reads the change before answering: give them time, but not forever. */
const CONFIRM_TIMEOUT_MS = 5 * 60_000;
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
 * Confirmation through MCP elicitation, sent on the tool call's own request (so it reaches the
 * client over stdio and over the call's HTTP stream). When confirmation is not required (an
 * operator turned it off because another layer approves writes) it passes without asking; a
 * client that cannot be asked is refused rather than assumed to agree.
 */
export function clientConfirmation(server: McpServer, extra: ToolExtra, required: boolean): Confirm {
  return async (request) => {
    if (!required) return;
    if (!server.server.getClientCapabilities()?.elicitation) {
      throw new UserError(
        `${request.action} needs a person's confirmation, and this MCP client cannot be asked (it declares no elicitation capability); nothing was changed`,
        'preview the change with dryRun: true; run it from a client that supports elicitation; or, where another layer already approves writes, an operator sets mcp.confirmDestructive=false',
      );
    }
    let result: ElicitResult;
    try {
      result = await extra.sendRequest(
        { method: 'elicitation/create', params: { mode: 'form', message: confirmationMessage(request), requestedSchema: CONFIRM_SCHEMA } },
        ElicitResultSchema,
        { timeout: CONFIRM_TIMEOUT_MS, signal: extra.signal },
      );
    } catch (e) {
      // No answer (time-out, cancelled call) or a client that failed to ask is never a yes.
      throw new UserError(`${request.action} was not confirmed: asking the client failed (${errorMessage(e)}); nothing was changed`, 'call again when someone can answer, or preview it with dryRun: true');
    }
    if (result.action === 'accept' && result.content?.confirm === true) return;
    const how = result.action === 'accept' ? 'accepted without ticking confirm' : result.action === 'decline' ? 'declined' : 'cancelled';
    throw new UserError(`${request.action} was not confirmed (${how}); nothing was changed`);
  };
}
