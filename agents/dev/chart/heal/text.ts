/**
 * Line-level helpers for editing template text without rendering it: templates are not YAML
 * until helm renders them, so fixes work on indentation blocks (pure).
 */

export const indentOf = (line: string) => /^ */.exec(line)![0].length;
const blank = (line: string) => line.trim() === '' || line.trim().startsWith('#');

/** Index of the line after the block that starts at `start` (lines indented deeper than it; template directives included). */
export function blockEnd(lines: string[], start: number): number {
  const base = indentOf(lines[start]!);
  let i = start + 1;
  while (i < lines.length && (blank(lines[i]!) || indentOf(lines[i]!) > base)) i++;
  // Trailing blank lines belong to what follows.
  while (i > start + 1 && blank(lines[i - 1]!)) i--;
  return i;
}

/** The first line at or after `from` (and before `to`) matching `re` at exactly `indent` spaces (any indent when undefined). */
export function findLine(lines: string[], re: RegExp, from = 0, to = lines.length, indent?: number): number {
  for (let i = from; i < to; i++) if (re.test(lines[i]!) && (indent === undefined || indentOf(lines[i]!) === indent)) return i;
  return -1;
}

/** Lines moved by `delta` spaces, with `nindent N`/`indent N` in template directives moved alike. */
export function reindent(lines: string[], delta: number): string[] {
  return lines.map((l) => {
    if (l.trim() === '') return l;
    const moved = delta >= 0 ? `${' '.repeat(delta)}${l}` : l.slice(Math.min(-delta, indentOf(l)));
    return moved.replace(/\b(n?indent) (\d+)/g, (_m, fn: string, n: string) => `${fn} ${Math.max(0, Number(n) + delta)}`);
  });
}

/** The documents of a template file, as line ranges [start, end). */
export function documentRanges(lines: string[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let start = 0;
  lines.forEach((l, i) => {
    if (/^---\s*$/.test(l)) {
      ranges.push([start, i]);
      start = i + 1;
    }
  });
  ranges.push([start, lines.length]);
  return ranges.filter(([s, e]) => e > s);
}

/** The range of the document in a template file that declares `kind: <kind>`, else the whole file. */
export function documentOfKind(lines: string[], kind: string): [number, number] {
  return documentRanges(lines).find(([s, e]) => findLine(lines, new RegExp(`^kind:\\s*["']?${kind}["']?\\s*$`), s, e) >= 0) ?? [0, lines.length];
}
