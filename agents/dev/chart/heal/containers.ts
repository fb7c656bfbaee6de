/**
 * A container without a name gets the one its image implies ("ghcr.io/acme/api:2.1" → "api"),
 * written into its list item in the template (pure). A container without an image is not
 * deducible and is left for the person.
 */
import { imageBaseName, normalizeName } from '../../names.js';
import { blockEnd, findLine, indentOf } from './text.js';

export function containerNameFor(image: string): string {
  return normalizeName(imageBaseName(image), 'app');
}

/** The template with `name:` added to the `index`-th item of the first `containers:` list; undefined when not found. */
export function addContainerName(text: string, index: number, name: string): string | undefined {
  const lines = text.split('\n');
  const list = findLine(lines, /^\s*containers:\s*$/);
  if (list < 0) return undefined;
  const end = blockEnd(lines, list);
  const items = [];
  for (let i = list + 1; i < end; i++) if (/^\s*- /.test(lines[i]!) && (items.length === 0 || indentOf(lines[i]!) === indentOf(lines[items[0]!]!))) items.push(i);
  const at = items[index];
  if (at === undefined) return undefined;
  const itemIndent = indentOf(lines[at]!) + 2;
  if (/^\s*- name:/.test(lines[at]!)) return undefined;
  return [...lines.slice(0, at + 1), `${' '.repeat(itemIndent)}name: ${name}`, ...lines.slice(at + 1)].join('\n');
}
