/**
 * A YAML file (values.yaml, Chart.yaml) that does not parse because of its indentation,
 * re-indented where that can be done honestly (pure): tabs in indentation become spaces (YAML
 * forbids them), and a line the parser stops at is moved to the indentation of an enclosing
 * level only when exactly one choice makes the file parse with its keys where the chart expects
 * them (the values schema, Chart.yaml's fields). Anything ambiguous is left and reported.
 */
import { parseDocument } from 'yaml';
import { isRecord } from '../../../../shared/records.js';
import { indentOf } from './text.js';

export const CHART_YAML_FIELDS = ['apiVersion', 'name', 'version', 'kubeVersion', 'description', 'type', 'keywords', 'home', 'sources', 'dependencies', 'maintainers', 'icon', 'appVersion', 'deprecated', 'annotations'];

export interface Reindented {
  text: string;
  changes: string[];
}

function firstError(text: string): { line: number; message: string } | undefined {
  const doc = parseDocument(text);
  const e = doc.errors[0];
  return e ? { line: e.linePos?.[0].line ?? 1, message: e.message.split('\n')[0]! } : undefined;
}

/** Every key path of a parsed document ("image.tag"). */
function keyPaths(value: unknown, prefix = '', out: string[] = []): string[] {
  if (!isRecord(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${k}` : k;
    out.push(path);
    keyPaths(v, path, out);
  }
  return out;
}

/** How many of a candidate's keys are where the chart expects them (a key path in `known`), minus those that are not. */
function score(text: string, known: Set<string>): number {
  const paths = keyPaths(parseDocument(text).toJS());
  return paths.reduce((s, p) => s + (known.has(p) ? 1 : [...known].some((k) => p.startsWith(`${k}.`)) ? 0 : -1), 0);
}

/**
 * The text re-indented, or `error` with the parser's message when no single honest fix exists.
 * `known`: key paths the file is expected to hold (top-level keys at least).
 */
export function reindentYaml(input: string, known: Set<string>): Reindented | { error: string; changes: string[] } {
  const changes: string[] = [];
  let lines = input.split('\n');
  const tabbed = lines.filter((l) => /^ *\t/.test(l)).length;
  if (tabbed) {
    lines = lines.map((l) => l.replace(/^[ \t]+/, (ws) => ws.replace(/\t/g, '  ')));
    changes.push(`${tabbed} line${tabbed === 1 ? '' : 's'} indented with tabs: tabs replaced by two spaces`);
  }
  for (let round = 0; round < 10; round++) {
    const text = lines.join('\n');
    const error = firstError(text);
    if (!error) return { text, changes };
    const fixes: Array<{ line: number; indent: number; text: string; score: number }> = [];
    for (const at of [error.line - 1, error.line - 2, error.line]) {
      const line = lines[at];
      if (line === undefined || line.trim() === '' || line.trim().startsWith('#')) continue;
      // Indents of the lines above (each enclosing level), and one level below the previous line.
      const above = lines.slice(0, at).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
      const levels = new Set<number>([0, ...above.map(indentOf)]);
      const prev = above.at(-1);
      if (prev && /:\s*$/.test(prev)) levels.add(indentOf(prev) + 2);
      for (const indent of levels) {
        if (indent === indentOf(line)) continue;
        const candidate = [...lines];
        candidate[at] = `${' '.repeat(indent)}${line.trimStart()}`;
        const candidateText = candidate.join('\n');
        const after = firstError(candidateText);
        if (after && after.line <= error.line) continue;
        fixes.push({ line: at, indent, text: candidateText, score: after ? -1000 : score(candidateText, known) });
      }
    }
    if (fixes.length === 0) return { error: `line ${error.line}: ${error.message}`, changes };
    fixes.sort((a, b) => b.score - a.score);
    if (fixes.length > 1 && fixes[0]!.score === fixes[1]!.score) {
      return { error: `line ${error.line}: ${error.message} — more than one indentation would parse (${fixes.slice(0, 3).map((f) => `line ${f.line + 1} at ${f.indent}`).join(', ')}); which one is meant cannot be told`, changes };
    }
    const best = fixes[0]!;
    changes.push(`line ${best.line + 1} ("${lines[best.line]!.trim().slice(0, 40)}") re-indented from ${indentOf(lines[best.line]!)} to ${best.indent} spaces`);
    lines = best.text.split('\n');
  }
  return { error: 'still does not parse after 10 re-indentations', changes };
}

/** Key paths a values.schema.json declares (properties, nested). */
export function schemaPaths(schemaText: string | undefined): Set<string> {
  const out = new Set<string>();
  if (!schemaText) return out;
  try {
    const walk = (node: unknown, prefix: string) => {
      if (!isRecord(node) || !isRecord(node.properties)) return;
      for (const [k, v] of Object.entries(node.properties)) {
        const path = prefix ? `${prefix}.${k}` : k;
        out.add(path);
        walk(v, path);
      }
    };
    walk(JSON.parse(schemaText) as unknown, '');
  } catch {
    // A schema that does not parse gives no expectations.
  }
  return out;
}
