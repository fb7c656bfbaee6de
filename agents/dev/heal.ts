/**
 * Self-healing (pure): from the server's verdict on each object, the fixes that can be made
 * without guessing what the person meant — a name that is not DNS-1123 normalized (everywhere it
 * is used), an unknown field removed, a missing namespace created, an apiVersion the cluster
 * does not serve replaced by the one it does. Anything else is left for the person, with the
 * server's message.
 */
import { namespaceManifest, type Manifest } from './generate.js';
import { normalizeName } from './names.js';

/** One object's verdict, as k8s_validate returns it. */
export interface ObjectVerdict {
  kind: string;
  apiVersion: string;
  name: string;
  namespace: string | null;
  status: 'valid' | 'invalid' | 'exists' | 'not-validated';
  valid: boolean;
  error: { code: number; reason: string; message: string; causes: Array<{ field: string; message: string }> } | null;
  note?: string | null;
  protectedNamespace?: boolean;
}

export interface Fix {
  object: string;
  field: string;
  description: string;
}

export interface HealResult {
  manifests: Manifest[];
  fixes: Fix[];
  /** Problems no fix exists for (the server's words). */
  unfixable: string[];
}

type Path = Array<string | number>;

/** "spec.template.spec.containers[0].bogus" → ['spec','template','spec','containers',0,'bogus']; `[name="w"]` selectors kept as strings. */
export function parseFieldPath(path: string): Path {
  const out: Path = [];
  for (const m of path.replace(/^\./, '').matchAll(/([^.[\]]+)|\[(\d+)\]|\[([^\]]*)\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(`[${m[3]}]`);
  }
  return out;
}

function step(node: unknown, key: string | number): unknown {
  if (typeof key === 'number') return Array.isArray(node) ? node[key] : undefined;
  if (key.startsWith('[')) {
    // [name="w"]: the list item whose field has that value.
    const m = /^\[([\w.-]+)="?([^"]*)"?\]$/.exec(key);
    if (!m || !Array.isArray(node)) return undefined;
    return node.find((item) => item && typeof item === 'object' && String((item as Record<string, unknown>)[m[1]!]) === m[2]);
  }
  return node && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined;
}

/** Removes the field at `path`; true when something was removed. */
export function removeField(object: unknown, path: Path): boolean {
  if (path.length === 0) return false;
  let node = object;
  for (const key of path.slice(0, -1)) {
    node = step(node, key);
    if (node === undefined || node === null) return false;
  }
  const last = path[path.length - 1]!;
  if (typeof last === 'string' && !last.startsWith('[') && node && typeof node === 'object' && !Array.isArray(node) && last in node) {
    delete (node as Record<string, unknown>)[last];
    return true;
  }
  return false;
}

export function getField(object: unknown, path: Path): unknown {
  let node = object;
  for (const key of path) {
    node = step(node, key);
    if (node === undefined) return undefined;
  }
  return node;
}

function setField(object: unknown, path: Path, value: unknown): boolean {
  const parent = getField(object, path.slice(0, -1));
  const last = path[path.length - 1];
  if (parent && typeof parent === 'object' && !Array.isArray(parent) && typeof last === 'string') {
    (parent as Record<string, unknown>)[last] = value;
    return true;
  }
  return false;
}

/** Every string equal to `from` (names, labels, selectors, references) becomes `to`. */
function renameEverywhere(value: unknown, from: string, to: string): unknown {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((v) => renameEverywhere(v, from, to));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renameEverywhere(v, from, to)]));
  return value;
}

const ref = (m: { kind: string; metadata?: { name?: string } }) => `${m.kind}/${m.metadata?.name ?? ''}`;
const NAME_RULES = /RFC 1123|RFC 1035|DNS-1123|DNS-1035|lower case alphanumeric|lowercase RFC|must consist of/i;

/** The fixes for one round of verdicts; `manifests` is not modified. */
export function heal(manifests: Manifest[], verdicts: ObjectVerdict[]): HealResult {
  let out: Manifest[] = structuredClone(manifests);
  const fixes: Fix[] = [];
  const unfixable: string[] = [];
  const missingNamespaces = new Set<string>();
  const renamed = new Map<string, string>();

  verdicts.forEach((verdict) => {
    if (verdict.valid || !verdict.error) return;
    const wanted = renamed.get(verdict.name) ?? verdict.name;
    const index = out.findIndex((m) => m.kind === verdict.kind && (m.metadata.name === wanted || (m.metadata as { generateName?: string }).generateName === wanted));
    let object = index >= 0 ? out[index] : undefined;
    const label = object ? ref(object) : `${verdict.kind}/${verdict.name}`;
    const { message, code } = verdict.error;
    let fixed = false;

    // The namespace does not exist: create it first (404 NotFound naming the namespace).
    const ns = /namespaces? "([^"]+)" not found/.exec(message);
    if (code === 404 && ns) {
      missingNamespaces.add(ns[1]!);
      fixed = true;
    }
    // An apiVersion the cluster does not serve for this kind: use the one it does.
    const serves = /it serves (\w+) as ([\w./-]+)/.exec(message);
    if (!fixed && object && serves && serves[1] === object.kind) {
      fixes.push({ object: label, field: 'apiVersion', description: `apiVersion ${object.apiVersion} → ${serves[2]} (the version this cluster serves)` });
      object.apiVersion = serves[2]!;
      fixed = true;
    }
    if (object) {
      for (const cause of verdict.error.causes) {
        const path = parseFieldPath(cause.field);
        if (/unknown field|not declared in schema/i.test(cause.message)) {
          if (removeField(object, path)) {
            fixes.push({ object: label, field: cause.field, description: `removed ${cause.field}: the API has no such field` });
            fixed = true;
          }
          continue;
        }
        const current = getField(object, path);
        if (path[path.length - 1] === 'name' && typeof current === 'string' && NAME_RULES.test(cause.message)) {
          const normalized = normalizeName(current);
          if (normalized === current) {
            fixed = true; // renamed already, with another object of the same name
          } else {
            if (cause.field === 'metadata.name') {
              // The same name is used by labels, selectors, the Service and container names: rename it everywhere.
              out = out.map((m) => renameEverywhere(m, current, normalized) as Manifest);
              renamed.set(current, normalized);
              object = out[index];
            } else {
              setField(object, path, normalized);
            }
            fixes.push({ object: label, field: cause.field, description: `name "${current}" is not a valid DNS-1123 name → "${normalized}"` });
            fixed = true;
          }
        }
      }
    }
    if (!fixed) unfixable.push(`${label}: ${verdict.error.code ? `${verdict.error.code} ${verdict.error.reason}: ` : ''}${message}`);
  });

  for (const namespace of missingNamespaces) {
    if (out.some((m) => m.kind === 'Namespace' && m.metadata.name === namespace)) continue;
    out = [namespaceManifest(namespace), ...out];
    fixes.push({ object: `Namespace/${namespace}`, field: 'metadata.namespace', description: `namespace ${namespace} does not exist: added a Namespace object for it` });
  }
  return { manifests: out, fixes, unfixable };
}
