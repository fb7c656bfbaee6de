/**
 * What a release change does to its objects, from two manifests (before and after): pure logic,
 * no helm and no cluster, so the write tools only do I/O around it.
 */
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { UserError } from '../../shared/errors.js';
import { type KubeObjectLike, MASK, maskCredentialKeys } from '../../shared/redact.js';

/** One object of a release manifest. */
export interface ManifestObject {
  kind: string;
  apiVersion: string;
  name: string;
  /** metadata.namespace as the chart wrote it; undefined when it is left to the release's namespace. */
  namespace: string | undefined;
  object: KubeObjectLike;
}

export type ManifestAction = 'created' | 'configured' | 'unchanged' | 'deleted' | 'kept';

export interface ManifestChange extends ManifestObject {
  action: ManifestAction;
}

/** The annotation that makes helm leave an object in place when a release stops owning it. */
const RESOURCE_POLICY = 'helm.sh/resource-policy';

/** A parsed document as a manifest object; undefined for empty documents and non-objects. */
export function toManifestObject(value: unknown): ManifestObject | undefined {
  if (!value || typeof value !== 'object' || typeof (value as KubeObjectLike).kind !== 'string') return undefined;
  const object = value as KubeObjectLike;
  const metadata = (object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  return {
    kind: object.kind!,
    apiVersion: typeof object.apiVersion === 'string' ? object.apiVersion : '',
    name: typeof metadata.name === 'string' ? metadata.name : '',
    namespace: typeof metadata.namespace === 'string' && metadata.namespace ? metadata.namespace : undefined,
    object,
  };
}

/** Every object of a multi-document manifest; a manifest that is not YAML is refused, not guessed at. */
export function parseManifest(manifest: string): ManifestObject[] {
  const objects: ManifestObject[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    if (doc.errors.length) throw new UserError(`the release manifest is not valid YAML: ${doc.errors[0]!.message}`);
    const object = toManifestObject(doc.toJS());
    if (object) objects.push(object);
  }
  return objects;
}

/**
 * How helm tells objects apart across revisions: group, kind, namespace, name. The version is
 * left out — autoscaling/v2beta2 to autoscaling/v2 is the same object, updated.
 */
export function objectKey(o: Pick<ManifestObject, 'kind' | 'apiVersion' | 'name' | 'namespace'>): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return `${group}/${o.kind}/${o.namespace ?? ''}/${o.name}`;
}

/** Objects the release keeps in the cluster even when it stops owning them. */
function keptByPolicy(o: ManifestObject): boolean {
  const annotations = (o.object.metadata?.annotations ?? {}) as Record<string, unknown>;
  return annotations[RESOURCE_POLICY] === 'keep';
}

/**
 * Before against after, in the order a reviewer reads them: the new manifest's objects
 * (created, configured or unchanged), then those it no longer holds (deleted, or kept when the
 * object asks helm to keep it).
 */
export function compareManifests(before: ManifestObject[], after: ManifestObject[]): ManifestChange[] {
  const previous = new Map(before.map((o) => [objectKey(o), o]));
  const next = new Set(after.map(objectKey));
  const changes: ManifestChange[] = after.map((o) => {
    const old = previous.get(objectKey(o));
    const action: ManifestAction = !old ? 'created' : isDeepStrictEqual(old.object, o.object) ? 'unchanged' : 'configured';
    return { ...o, action };
  });
  for (const o of before) {
    if (!next.has(objectKey(o))) changes.push({ ...o, action: keptByPolicy(o) ? 'kept' : 'deleted' });
  }
  return changes;
}

/** "2 created, 1 configured, 3 unchanged" — the counts of a change list, most significant first. */
export function countActions(changes: Array<{ action: string }>): string {
  if (changes.length === 0) return 'no objects';
  const order = ['created', 'configured', 'deleted', 'kept', 'unchanged'];
  const counts = new Map<string, number>();
  for (const c of changes) counts.set(c.action, (counts.get(c.action) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99))
    .map(([action, n]) => `${n} ${action}`)
    .join(', ');
}

/**
 * The values at credential-named keys (dbPassword, apiKey, token, …) of a values object, at any
 * depth: what maskCredentialKeys would hide, so a redactor can also scrub them from any text.
 */
export function credentialValues(values: unknown): string[] {
  const found: string[] = [];
  const walk = (plain: unknown, masked: unknown): void => {
    if (masked === MASK && plain !== MASK && (typeof plain === 'string' || typeof plain === 'number')) {
      found.push(String(plain));
    } else if (plain !== null && typeof plain === 'object' && masked !== null && typeof masked === 'object') {
      for (const [key, value] of Object.entries(plain)) walk(value, (masked as Record<string, unknown>)[key]);
    }
  };
  walk(values, maskCredentialKeys(values));
  return found;
}

/** The parts of helm's release JSON (install/upgrade --output json, status) the write tools use. */
export interface HelmReleaseJson {
  name: string;
  namespace: string;
  version: number;
  info: { status: string; description?: string; notes?: string };
  manifest?: string;
  chart?: { metadata?: { name?: string; version?: string }; values?: Record<string, unknown> };
  /** The values the caller supplied. Read only to teach the redactor; never returned. */
  config?: Record<string, unknown>;
  hooks?: Array<{ name: string; kind: string; events?: string[]; manifest?: string }>;
}

/**
 * helm's release JSON. The document holds the whole chart (templates, default values): only
 * the fields above are ever read, and nothing of it is returned as it is.
 */
export function parseReleaseJson(raw: string): HelmReleaseJson {
  // helm may print warnings before the JSON document (e.g. about the kubeconfig's permissions).
  const start = raw.indexOf('{');
  let parsed: unknown;
  try {
    parsed = JSON.parse(start >= 0 ? raw.slice(start) : raw);
  } catch {
    throw new UserError('helm printed no release JSON', 'check the helm version (3.13+ is needed for --dry-run=server)');
  }
  const release = parsed as Partial<HelmReleaseJson>;
  if (typeof release.version !== 'number' || !release.info) throw new UserError('helm printed no release JSON', 'check the helm version (3.13+ is needed for --dry-run=server)');
  return release as HelmReleaseJson;
}

/** `webapp-0.1.0`, as helm list shows a chart. */
export function chartLabel(release: Pick<HelmReleaseJson, 'chart'>): string | null {
  const metadata = release.chart?.metadata;
  return metadata?.name ? `${metadata.name}-${metadata.version ?? ''}` : null;
}

/** The hooks that run on one of helm's events (pre-install, post-upgrade, …), as "job/migrate (pre-upgrade)". */
export function hooksOn(release: Pick<HelmReleaseJson, 'hooks'>, operation: 'install' | 'upgrade'): string[] {
  return (release.hooks ?? [])
    .map((h) => ({ h, events: (h.events ?? []).filter((e) => e === `pre-${operation}` || e === `post-${operation}`) }))
    .filter(({ events }) => events.length > 0)
    .map(({ h, events }) => `${h.kind.toLowerCase()}/${h.name} (${events.join(', ')})`);
}
