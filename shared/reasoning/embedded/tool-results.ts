import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { UserError } from '../../errors.js';

/** A tool's structured content, or undefined when it failed or sent none. */
export function structuredOf<T>(result: CallToolResult): T | undefined {
  return result.isError ? undefined : (result.structuredContent as T | undefined);
}

export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

/** The structured content, or the tool's own error as a UserError (its message says what went wrong). */
export function requireStructured<T>(tool: string, result: CallToolResult): T {
  if (result.isError || !result.structuredContent) throw new UserError(`${tool}: ${textOf(result)}`);
  return result.structuredContent as T;
}
