/**
 * Review of manifests that are not applied: YAML found in the message text (a fenced block, or
 * the text from the first `apiVersion:`/`kind:` line) or in a data part, run through the same
 * pod, image, secret and RBAC checks. Nothing here touches the cluster.
 */
import { parseYamlDocuments } from '../../shared/yaml.js';
import { type Finding, rec, str } from './checks/index.js';
import { scanObjects, type ScanOptions } from './scan.js';

/** The YAML in a message's text, or undefined when there is none. */
export function yamlFromText(text: string): string | undefined {
  const fenced = [...text.matchAll(/```(?:ya?ml|json)?[^\n]*\n([\s\S]*?)```/gi)].map((m) => m[1] ?? '').filter((b) => /\bkind\s*:/.test(b));
  if (fenced.length) return fenced.join('\n---\n');
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^\s*(apiVersion|kind)\s*:/.test(l) || /^---\s*$/.test(l));
  if (start < 0) return undefined;
  const rest = lines.slice(start).join('\n');
  return /\bkind\s*:/.test(rest) ? rest : undefined;
}

export interface ParsedManifests {
  objects: Record<string, unknown>[];
  errors: string[];
}

/** Kubernetes objects in a YAML string (multi-document; `kind: List` unwrapped); parse errors are returned, not thrown. */
export function parseManifests(yaml: string): ParsedManifests {
  const objects: Record<string, unknown>[] = [];
  const errors: string[] = [];
  let parsed;
  try {
    parsed = parseYamlDocuments(yaml);
  } catch (e) {
    return { objects, errors: [e instanceof Error ? e.message : String(e)] };
  }
  for (const value of parsed.values) objects.push(...unwrapObjects(value));
  errors.push(...parsed.errors.map((e) => `document ${e.document}: ${e.message}`));
  return { objects, errors };
}

/** The objects with a kind in a parsed document: arrays and `*List` kinds unwrapped. */
export function unwrapObjects(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap(unwrapObjects);
  const o = rec(value);
  if (Object.keys(o).length === 0) return [];
  if (str(o.kind)?.endsWith('List') && Array.isArray(o.items)) return o.items.flatMap(unwrapObjects);
  return str(o.kind) ? [o] : [];
}

/** Manifests carried by a data part: `{ manifest | yaml: string }`, `{ manifests | objects: [...] }`, `{ object }` or a bare object with a kind. */
export function manifestsFromData(data: unknown[]): ParsedManifests {
  const out: ParsedManifests = { objects: [], errors: [] };
  for (const d of data) {
    const o = rec(d);
    for (const key of ['manifest', 'yaml', 'manifests', 'objects', 'object']) {
      const v = o[key];
      if (typeof v === 'string') {
        const p = parseManifests(v);
        out.objects.push(...p.objects);
        out.errors.push(...p.errors);
      } else if (v !== undefined) {
        out.objects.push(...unwrapObjects(v));
      }
    }
    if (str(o.kind)) out.objects.push(...unwrapObjects(o));
  }
  return out;
}

/** Findings for manifests: the same checks `k8s-experts scan` runs (scan.ts). */
export function reviewObjects(objects: Record<string, unknown>[], options: ScanOptions = {}): Finding[] {
  return scanObjects(objects, options);
}
