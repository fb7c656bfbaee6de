/**
 * What the kubernetes write tools share: finding and policing the target, reading what is there
 * now, the dry-run switch, and a diff scrubbed of Secret values before anyone sees it.
 */
import { z } from 'zod';
import type { ClusterAccess } from '../../shared/cluster-access.js';
import { UserError } from '../../shared/errors.js';
import { type ApiResource, ResourceCatalog } from '../../shared/kube-discovery.js';
import type { KubeClient } from '../../shared/kube.js';
import { KubeApiError, kubeRequest } from '../../shared/kube-http.js';
import type { ChangeReport, ObjectChange } from '../../shared/mcp/change.js';
import type { ProposedAction } from '../../shared/policy/judge.js';
import { contextInput } from '../../shared/mcp/inputs.js';
import { objectDiff } from '../../shared/object-diff.js';
import type { KubeObjectLike } from '../../shared/redact.js';
import { type ManifestObject, namespaceFor } from './manifest.js';
import { type KubeObject, requireNamespace } from './tools/get.js';

/** The field manager our server-side applies and writes are recorded under. */
export const FIELD_MANAGER = 'k8s-experts';

/** Inputs every write tool takes. */
export const writeInputs = {
  dryRun: z.boolean().default(false).describe('Only preview: the server validates the change and shows the diff; nothing is changed and nothing is asked'),
  context: contextInput,
};

/** The `dryRun=All` query for a server-side dry run, nothing otherwise. */
export const dryRunQuery = (dryRun: boolean) => (dryRun ? { dryRun: 'All' } : {});

export interface WriteTarget {
  client: KubeClient;
  resource: ApiResource;
  namespace: string | undefined;
  name: string;
  /** API path of the object. */
  path: string;
}

/** Resolves the kind of a write and checks policy: kind allowed, namespace (or Namespace) not protected. */
export async function writeTarget(
  access: ClusterAccess,
  args: { kind: string; name: string; namespace?: string | undefined; context?: string | undefined },
): Promise<WriteTarget> {
  const client = access.client(args.context);
  const resource = (await access.catalog(client)).resolve(args.kind);
  requireNamespace(resource, args);
  const namespace = resource.namespaced ? args.namespace : undefined;
  access.policy.assertWritable({ resource, namespace, name: args.name });
  return { client, resource, namespace, name: args.name, path: ResourceCatalog.path(resource, namespace, args.name) };
}

/** The object at `path`, or undefined when there is none. */
export async function readIfExists(client: KubeClient, path: string): Promise<KubeObject | undefined> {
  try {
    return (await kubeRequest(client, { path })).json as KubeObject;
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 404) return undefined;
    throw e;
  }
}

/** Reads the target, or explains that there is nothing to change. */
export async function readTarget(target: WriteTarget): Promise<KubeObject> {
  const object = await readIfExists(target.client, target.path);
  if (!object) throw new UserError(`${target.resource.plural} "${target.name}" not found${target.namespace ? ` in namespace ${target.namespace}` : ''}`, `check the name with k8s_list kind=${target.resource.plural}`);
  return { apiVersion: target.resource.apiVersion, kind: target.resource.kind, ...object };
}

/** One object's line in a change report. */
export function changeOf(object: KubeObject, fallback: { kind: string; apiVersion: string; name?: string; namespace?: string | undefined }, action: string): ObjectChange {
  return {
    kind: object.kind ?? fallback.kind,
    apiVersion: object.apiVersion ?? fallback.apiVersion,
    name: object.metadata?.name ?? fallback.name ?? '',
    namespace: object.metadata?.namespace ?? fallback.namespace ?? null,
    action,
  };
}

/** A diff of one object, with every Secret value of its namespace scrubbed as well as masked by structure. */
export async function scrubbedDiff(access: ClusterAccess, client: KubeClient, namespace: string | undefined, label: string, before: KubeObject | undefined, after: KubeObject | undefined): Promise<string> {
  const diff = objectDiff(label, before as KubeObjectLike | undefined, after as KubeObjectLike | undefined);
  return diff ? (await access.redactor(client, namespace)).redactText(diff) : '';
}

/** "deployment.apps/web -n shop", for confirmations and summaries. */
export function describeTarget(target: Pick<WriteTarget, 'resource' | 'name' | 'namespace'>): string {
  const group = target.resource.group ? `.${target.resource.group}` : '';
  return `${target.resource.kind.toLowerCase()}${group}/${target.name}${target.namespace ? ` -n ${target.namespace}` : ''}`;
}

/** What the guardian judges for a write to one named object: the verb, the object, and what else the verb needs (replicas). */
export function proposalFor(verb: string, target: Pick<WriteTarget, 'resource' | 'name' | 'namespace'>, extra: Partial<ProposedAction> = {}): ProposedAction {
  return { verb, kind: target.resource.kind, name: target.name, namespace: target.namespace, ...extra };
}

/** Where a manifest object goes: its kind resolved at its own version, its namespace settled, policy checked. */
export async function manifestTarget(access: ClusterAccess, client: KubeClient, object: ManifestObject, namespaceArg: string | undefined): Promise<Omit<WriteTarget, 'path'> & { collection: string; path: string | undefined }> {
  const resource = (await access.catalog(client)).forObject(object.apiVersion, object.kind);
  const namespace = resource.namespaced ? namespaceFor(object, namespaceArg) : undefined;
  const name = object.metadata.name ?? '';
  access.policy.assertWritable({ resource, namespace, name });
  return {
    client,
    resource,
    namespace,
    name,
    collection: ResourceCatalog.path(resource, namespace),
    path: name ? ResourceCatalog.path(resource, namespace, name) : undefined,
  };
}

/** The object as it is sent: namespace set for namespaced kinds, dropped for cluster-scoped ones. */
export function withNamespace(object: ManifestObject, namespace: string | undefined): ManifestObject {
  const metadata = { ...object.metadata };
  if (namespace) metadata.namespace = namespace;
  else delete metadata.namespace;
  return { ...object, metadata };
}

const PATCH_TYPES = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
} as const;
export type PatchType = keyof typeof PATCH_TYPES;

/** A PATCH of the target (or its subresource, e.g. scale), as a dry run or for real. */
export async function patchTarget(target: WriteTarget, patch: { type: PatchType; body: unknown; subresource?: string }, dryRun: boolean): Promise<KubeObject> {
  const path = patch.subresource ? `${target.path}/${patch.subresource}` : target.path;
  const response = await kubeRequest(target.client, { method: 'PATCH', path, query: { fieldManager: FIELD_MANAGER, ...dryRunQuery(dryRun) }, contentType: PATCH_TYPES[patch.type], body: patch.body });
  return response.json as KubeObject;
}

/**
 * Patches one object and reports it: the diff between `before` and what the server returned,
 * "unchanged" when the patch changes nothing.
 */
export async function patchAndReport(
  access: ClusterAccess,
  target: WriteTarget,
  before: KubeObject,
  patch: { type: PatchType; body: unknown },
  dryRun: boolean,
  wording: { action: string; summary: (changed: boolean) => string },
): Promise<Omit<ChangeReport, 'dryRun'>> {
  const after = await patchTarget(target, patch, dryRun);
  const diff = await scrubbedDiff(access, target.client, target.namespace, describeTarget(target), before, after);
  return { summary: wording.summary(Boolean(diff)), changes: [changeOf(after, { ...target.resource, name: target.name, namespace: target.namespace }, diff ? wording.action : 'unchanged')], diff };
}
