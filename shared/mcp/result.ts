import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { errorMessage, isUserError } from '../errors.js';
import { KubeApiError } from '../kube-http.js';
import { maskCredentialPatterns } from '../redact.js';

/** A tool result: text a person reads plus the same facts as structured JSON for programs. */
export function toolResult<T extends Record<string, unknown>>(text: string, structured: T): CallToolResult & { structuredContent: T } {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/** A failed call the model can read and act on; the server keeps serving. */
export function toolError(message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: maskCredentialPatterns(message) }] };
}

/** Runs a tool body and turns any failure into a clear `isError` result. */
export async function runTool(body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body();
  } catch (e) {
    if (isUserError(e)) return toolError(e.fix ? `${e.message}. Fix: ${e.fix}` : e.message);
    if (e instanceof KubeApiError) return toolError(`Kubernetes API ${e.status} ${e.reason}: ${e.message}`);
    return toolError(`error: ${errorMessage(e)}`);
  }
}
