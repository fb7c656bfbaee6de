/**
 * Manifests as kubectl reads them: YAML or JSON, several documents, `kind: List` flattened.
 * Pure logic; each problem names the document and the fix.
 */
import { parseAllDocuments } from 'yaml';
import { UserError } from '../../shared/errors.js';

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; generateName?: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export const MAX_MANIFEST_OBJECTS = 50;

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The objects of a manifest, in order. `requireName`: apply needs metadata.name; create also
 * takes metadata.generateName.
 */
export function parseManifest(text: string, options: { requireName: boolean }): ManifestObject[] {
  const docs = parseAllDocuments(text, { prettyErrors: true });
  const objects: ManifestObject[] = [];
  docs.forEach((doc, i) => {
    const where = `document ${i + 1}`;
    const error = doc.errors[0];
    if (error) {
      const line = error.linePos?.[0].line;
      throw new UserError(`the manifest is not valid YAML: ${where}${line ? `, line ${line}` : ''}: ${error.message.split('\n')[0]}`, 'fix the YAML (indentation, quoting) and send it again');
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return; // an empty document, e.g. a trailing ---
    const items = isMapping(value) && value.kind === 'List' && Array.isArray(value.items) ? value.items : [value];
    items.forEach((item: unknown, j) => objects.push(checkObject(item, items.length > 1 || item !== value ? `${where}, item ${j + 1}` : where, options)));
  });
  if (objects.length === 0) throw new UserError('the manifest holds no objects', 'send YAML or JSON with at least one object (apiVersion, kind, metadata.name)');
  if (objects.length > MAX_MANIFEST_OBJECTS) {
    throw new UserError(`the manifest holds ${objects.length} objects, more than ${MAX_MANIFEST_OBJECTS} in one call`, 'split it into smaller manifests, or use helm for a whole application');
  }
  return objects;
}

function checkObject(value: unknown, where: string, options: { requireName: boolean }): ManifestObject {
  if (!isMapping(value)) throw new UserError(`${where} is not an object (a mapping with apiVersion, kind and metadata)`);
  const { apiVersion, kind, metadata } = value;
  if (typeof apiVersion !== 'string' || !/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion)) {
    throw new UserError(`${where} has ${apiVersion === undefined ? 'no apiVersion' : `an invalid apiVersion "${String(apiVersion)}"`}`, 'set apiVersion, e.g. v1 or apps/v1');
  }
  if (typeof kind !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(kind)) {
    throw new UserError(`${where} has ${kind === undefined ? 'no kind' : `an invalid kind "${String(kind)}"`}`, 'set kind, e.g. Deployment');
  }
  if (!isMapping(metadata)) throw new UserError(`${where} (${kind}) has no metadata`, 'add metadata.name');
  const named = typeof metadata.name === 'string' && metadata.name !== '';
  const generated = !options.requireName && typeof metadata.generateName === 'string' && metadata.generateName !== '';
  if (!named && !generated) {
    throw new UserError(`${where} (${kind}) has no metadata.name`, options.requireName ? 'add metadata.name (apply needs a name to find the object again)' : 'add metadata.name or metadata.generateName');
  }
  if (metadata.namespace !== undefined && (typeof metadata.namespace !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(metadata.namespace))) {
    throw new UserError(`${where} (${kind}) has an invalid metadata.namespace "${String(metadata.namespace)}"`, 'use a lower-case DNS-1123 label, e.g. payments');
  }
  return value as ManifestObject;
}

/**
 * The namespace an object goes to: its own, else the call's, else `default` — and a clash
 * between the two is an error, as in kubectl, rather than a silent choice.
 */
export function namespaceFor(object: ManifestObject, given: string | undefined): string {
  const own = object.metadata.namespace;
  if (own && given && own !== given) {
    throw new UserError(`${object.kind} "${object.metadata.name ?? object.metadata.generateName}" says namespace ${own}, the call says ${given}`, 'drop one of them, or make them agree');
  }
  return own ?? given ?? 'default';
}

/** Namespaces first (what follows may live in them), otherwise the manifest's own order. */
export function applyOrder(objects: ManifestObject[]): ManifestObject[] {
  return [...objects.filter((o) => o.kind === 'Namespace'), ...objects.filter((o) => o.kind !== 'Namespace')];
}
