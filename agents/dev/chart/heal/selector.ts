/**
 * Workload selectors in templates (pure): a missing `spec.selector` is added from the pod
 * template's labels (the only labels it can mean), and pod template labels that do not carry the
 * selector's labels get them (the selector is immutable on installed objects, the pod labels are
 * not, so the labels change, not the selector).
 */
import { blockEnd, documentOfKind, findLine, indentOf, reindent } from './text.js';

interface Blocks {
  lines: string[];
  doc: [number, number];
  spec: number;
  template: number;
  templateLabels: number;
}

function locate(text: string, kind: string): Blocks | undefined {
  const lines = text.split('\n');
  const doc = documentOfKind(lines, kind);
  const spec = findLine(lines, /^spec:\s*$/, doc[0], doc[1], 0);
  if (spec < 0) return undefined;
  const specEnd = blockEnd(lines, spec);
  const template = findLine(lines, /^\s+template:\s*$/, spec + 1, specEnd, 2);
  if (template < 0) return undefined;
  const templateEnd = blockEnd(lines, template);
  const meta = findLine(lines, /^\s+metadata:\s*$/, template + 1, templateEnd, 4);
  if (meta < 0) return undefined;
  const templateLabels = findLine(lines, /^\s+labels:\s*$/, meta + 1, blockEnd(lines, meta), 6);
  if (templateLabels < 0) return undefined;
  return { lines, doc, spec, template, templateLabels };
}

/** The template with `spec.selector.matchLabels` copied from the pod template's labels; undefined when the blocks are not found. */
export function addSelector(text: string, kind: string): string | undefined {
  const b = locate(text, kind);
  if (!b) return undefined;
  const { lines } = b;
  const labelLines = lines.slice(b.templateLabels + 1, blockEnd(lines, b.templateLabels));
  if (labelLines.length === 0) return undefined;
  // Pod labels are at 8 spaces; matchLabels entries go at 6.
  const selectorLines = ['  selector:', '    matchLabels:', ...reindent(labelLines, 6 - indentOf(labelLines.find((l) => l.trim() !== '') ?? '        '))];
  return [...lines.slice(0, b.template), ...selectorLines, ...lines.slice(b.template)].join('\n');
}

/** Keys of `key: value` lines in a block (template directives have none). */
const keyOf = (line: string) => /^\s*([\w./-]+):\s*\S/.exec(line)?.[1];

/**
 * The template with the selector's label lines added to (or replacing the same keys in) the pod
 * template's labels, for the keys in `keys` (those the rendered objects disagree on).
 */
export function alignTemplateLabels(text: string, kind: string, keys: string[]): string | undefined {
  const b = locate(text, kind);
  if (!b) return undefined;
  const { lines } = b;
  const selector = findLine(lines, /^\s+selector:\s*$/, b.spec + 1, b.template, 2);
  if (selector < 0) return undefined;
  const match = findLine(lines, /^\s+matchLabels:\s*$/, selector + 1, blockEnd(lines, selector), 4);
  if (match < 0) return undefined;
  const wanted = lines.slice(match + 1, blockEnd(lines, match)).filter((l) => keys.includes(keyOf(l) ?? ''));
  if (wanted.length < keys.length) return undefined; // the selector's value is computed: nothing literal to copy
  const labelsEnd = blockEnd(lines, b.templateLabels);
  const labels = lines.slice(b.templateLabels + 1, labelsEnd);
  const pad = indentOf(labels.find((l) => keyOf(l)) ?? '        ');
  const moved = reindent(wanted, pad - indentOf(wanted[0]!));
  const next = [...labels];
  for (const line of moved) {
    const at = next.findIndex((l) => keyOf(l) === keyOf(line));
    if (at >= 0) next[at] = line;
    else next.push(line);
  }
  return [...lines.slice(0, b.templateLabels + 1), ...next, ...lines.slice(labelsEnd)].join('\n');
}
