/**
 * What a tool result looks like by the time it reaches a model: its text (structured content
 * only when there is no text), never more than llm.maxToolResultChars, with a note when cut.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** The readable text of a tool result: text parts first, structured content only as a fallback. */
export function toolResultText(result: CallToolResult): string {
  const parts: string[] = [];
  for (const item of result.content ?? []) {
    switch (item.type) {
      case 'text':
        parts.push(item.text);
        break;
      case 'image':
      case 'audio':
        parts.push(`[${item.type} (${item.mimeType}) not shown]`);
        break;
      case 'resource':
        parts.push('text' in item.resource && typeof item.resource.text === 'string' ? item.resource.text : `[binary resource ${item.resource.uri} not shown]`);
        break;
      case 'resource_link':
        parts.push(`[resource ${item.uri}]`);
        break;
    }
  }
  const text = parts.join('\n').trim();
  if (text) return text;
  if (result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
  return '(the tool returned nothing)';
}

export interface Budgeted {
  text: string;
  /** Length before cutting. */
  chars: number;
  cut: boolean;
}

/** Cuts text to at most maxChars characters, the note included. */
export function budgetText(text: string, maxChars: number): Budgeted {
  if (text.length <= maxChars) return { text, chars: text.length, cut: false };
  const note = (kept: number) =>
    `\n[cut: the tool returned ${text.length} characters; only the first ${kept} are shown (llm.maxToolResultChars = ${maxChars}). ` +
    'Ask for less: a namespace, a label selector, a name, fewer log lines.]';
  // The note's length depends on the kept count; compute it with the widest number first.
  const room = Math.max(0, maxChars - note(maxChars).length);
  let kept = text.slice(0, room);
  // Do not end on half a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(kept)) kept = kept.slice(0, -1);
  return { text: kept + note(kept.length), chars: text.length, cut: true };
}
