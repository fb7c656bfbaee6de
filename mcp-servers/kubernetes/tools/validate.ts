/**
 * k8s_validate: a manifest checked by the API server itself — a server-side dry run
 * (`dryRun=All`, strict field validation) of a create, or of a server-side apply — so nothing is
 * ever persisted. That is why it is a *read* tool and lives on a read-only server: an agent can
 * validate what it drafts without write access. Per object: valid or not, the server's own error
 * (with field paths), and the object as the server would store it (defaults filled in, Secret
 * values masked).
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { errorMessage, isUserError } from '../../../shared/errors.js';
import { type ApiResource, ResourceCatalog } from '../../../shared/kube-discovery.js';
import type { KubeClient } from '../../../shared/kube.js';
import { KubeApiError, kubeRequest } from '../../../shared/kube-http.js';
import { namespaceInput, contextInput } from '../../../shared/mcp/inputs.js';
import { objectRef } from '../../../shared/mcp/change.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { toolResult } from '../../../shared/mcp/result.js';
import { type KubeObjectLike, SecretRedactor } from '../../../shared/redact.js';
import { cleanObject } from '../format.js';
import { applyOrder, type ManifestObject, namespaceFor, parseManifest } from '../manifest.js';
import { manifestInput } from '../manifest-writes.js';
import { FIELD_MANAGER, withNamespace } from '../writes.js';
import type { KubeObject } from './get.js';

export type ValidationStatus = 'valid' | 'invalid' | 'exists' | 'not-validated';

export interface FieldCause {
  field: string;
  message: string;
}

export interface ObjectValidation {
  kind: string;
  apiVersion: string;
  name: string;
  namespace: string | null;
  /** valid: the server accepted it; invalid: it refused it (see error); exists: create would fail because it exists (its content passed validation); not-validated: see note. */
  status: ValidationStatus;
  valid: boolean;
  error: { code: number; reason: string; message: string; causes: FieldCause[] } | null;
  /** The object as the server would store it (defaults filled, managedFields dropped, Secret values masked); null when refused. */
  object: Record<string, unknown> | null;
  /** The object would land in a namespace write tools refuse (mcp.protectedNamespaces); a dry run there is harmless. */
  protectedNamespace: boolean;
  note: string | null;
}

const causeSchema = z.object({ field: z.string(), message: z.string() });
const objectSchema = z.object({
  kind: z.string(),
  apiVersion: z.string(),
  name: z.string(),
  namespace: z.string().nullable(),
  status: z.enum(['valid', 'invalid', 'exists', 'not-validated']),
  valid: z.boolean(),
  error: z.object({ code: z.number(), reason: z.string(), message: z.string(), causes: z.array(causeSchema) }).nullable(),
  object: z.record(z.string(), z.unknown()).nullable(),
  protectedNamespace: z.boolean(),
  note: z.string().nullable(),
});

/**
 * Field causes from a Status message: `X "n" is invalid: spec.replicas: Invalid value: -1: must
 * be …` (one cause, or several in `[…, …]`) and strict decoding's `unknown field "spec.foo"`.
 * (The API's `details.causes` are not kept by kubeRequest, so the message is parsed.)
 */
export function fieldCauses(message: string): FieldCause[] {
  const causes: FieldCause[] = [];
  for (const m of message.matchAll(/unknown field "([^"]+)"/g)) causes.push({ field: m[1]!, message: 'unknown field' });
  for (const m of message.matchAll(/(\.[^\s:]+): field not declared in schema/g)) causes.push({ field: m[1]!.replace(/^\./, ''), message: 'field not declared in schema' });
  const invalid = /\bis invalid: (.*)$/s.exec(message);
  if (invalid) {
    let body = invalid[1]!.trim();
    if (body.startsWith('[') && body.endsWith(']')) body = body.slice(1, -1);
    // Split before each "<field path>: " that starts a new cause.
    const parts = body.split(/, (?=(?:metadata|spec|data|stringData|status|type|rules|subjects|roleRef|webhooks|items|template|[a-z][\w]*)(?:[.[][\w.[\]/-]*)?: )/);
    for (const part of parts) {
      const m = /^([a-zA-Z][\w.[\]/-]*): (.*)$/s.exec(part.trim());
      if (m) causes.push({ field: m[1]!, message: m[2]!.trim() });
    }
  }
  return causes;
}

function secretRedactorFor(objects: ManifestObject[]): SecretRedactor {
  const redactor = new SecretRedactor();
  for (const o of objects) {
    if (o.kind !== 'Secret') continue;
    const secret = o as unknown as KubeObjectLike;
    // data in a manifest should be base64, but a wrong one must not leak either.
    for (const v of Object.values(secret.data ?? {})) {
      if (typeof v !== 'string') continue;
      redactor.addValue(v);
      redactor.addValue(Buffer.from(v, 'base64').toString('utf8'));
    }
    for (const v of Object.values(secret.stringData ?? {})) if (typeof v === 'string') redactor.addValue(v);
  }
  return redactor;
}

function renderLine(v: ObjectValidation): string {
  const head = `${objectRef(v)}${v.namespace ? ` -n ${v.namespace}` : ''}: ${v.status === 'valid' ? 'valid' : v.status === 'exists' ? 'valid, but it exists already (create would fail; apply would change it)' : v.status === 'invalid' ? 'INVALID' : 'not validated'}`;
  const lines = [head];
  if (v.error) {
    lines.push(`  ${v.error.code} ${v.error.reason}: ${v.error.message}`);
  }
  if (v.note) lines.push(`  note: ${v.note}`);
  if (v.protectedNamespace) lines.push(`  note: namespace ${v.namespace ?? v.name} is protected: write tools refuse to change it`);
  return lines.join('\n');
}

interface Attempt {
  object?: KubeObject;
  error?: unknown;
}

async function dryRun(client: KubeClient, resource: ApiResource, namespace: string | undefined, body: ManifestObject, mode: 'create' | 'apply', force: boolean): Promise<Attempt> {
  try {
    const query = { dryRun: 'All', fieldManager: FIELD_MANAGER, fieldValidation: 'Strict' };
    const response =
      mode === 'create'
        ? await kubeRequest(client, { method: 'POST', path: ResourceCatalog.path(resource, namespace), query, body })
        : await kubeRequest(client, {
            method: 'PATCH',
            path: ResourceCatalog.path(resource, namespace, body.metadata.name ?? ''),
            query: { ...query, force },
            contentType: 'application/apply-patch+yaml',
            body,
          });
    return { object: response.json as KubeObject };
  } catch (error) {
    return { error };
  }
}

/** Validates each object with a server-side dry run; never throws for one object's problem. */
export async function validateObjects(
  access: ClusterAccess,
  client: KubeClient,
  objects: ManifestObject[],
  options: { namespace?: string | undefined; mode: 'create' | 'apply'; force: boolean },
): Promise<ObjectValidation[]> {
  const catalog = await access.catalog(client);
  const protectedNs = new Set(access.policy.config.protectedNamespaces);
  const newNamespaces = new Set<string>();
  const results: ObjectValidation[] = [];
  for (const object of objects) {
    const base = {
      kind: object.kind,
      apiVersion: object.apiVersion,
      name: object.metadata.name ?? object.metadata.generateName ?? '',
      namespace: null as string | null,
      protectedNamespace: false,
    };
    const refused = (code: number, reason: string, message: string): ObjectValidation => ({
      ...base,
      status: 'invalid',
      valid: false,
      error: { code, reason, message, causes: fieldCauses(message) },
      object: null,
      note: null,
    });
    let resource: ApiResource;
    let namespace: string | undefined;
    try {
      resource = catalog.forObject(object.apiVersion, object.kind);
      // Denied kinds stay denied, dry run or not.
      access.policy.assertKind(resource);
      namespace = resource.namespaced ? namespaceFor(object, options.namespace) : undefined;
    } catch (e) {
      const message = isUserError(e) && e.fix ? `${e.message} (${e.fix})` : errorMessage(e);
      results.push(refused(0, isUserError(e) ? 'Refused' : 'Error', message));
      continue;
    }
    base.namespace = namespace ?? null;
    base.protectedNamespace = namespace ? protectedNs.has(namespace) : resource.kind === 'Namespace' && protectedNs.has(base.name);
    if (options.mode === 'apply' && !object.metadata.name) {
      results.push(refused(0, 'Invalid', 'apply needs metadata.name (generateName works only with create)'));
      continue;
    }
    const body = withNamespace(object, namespace);
    let attempt = await dryRun(client, resource, namespace, body, options.mode, options.force);
    let note: string | null = null;
    // A namespace this manifest creates does not exist during a dry run: validate the object in
    // `default` instead, which checks its schema and defaults (not that namespace's admission).
    if (attempt.error instanceof KubeApiError && attempt.error.status === 404 && namespace && newNamespaces.has(namespace)) {
      const stand = 'default';
      const retry = await dryRun(client, resource, stand, withNamespace(object, stand), options.mode, options.force);
      note = `namespace ${namespace} is created by this same manifest, so the object was validated in namespace ${stand} in its place`;
      attempt = retry.object ? { object: { ...retry.object, metadata: { ...retry.object.metadata, namespace } } } : retry;
    }
    if (attempt.object) {
      if (resource.kind === 'Namespace') newNamespaces.add(base.name);
      results.push({ ...base, status: 'valid', valid: true, error: null, object: cleanObject(attempt.object) as Record<string, unknown>, note });
      continue;
    }
    const e = attempt.error;
    if (e instanceof KubeApiError) {
      if (options.mode === 'create' && e.status === 409 && e.reason === 'AlreadyExists') {
        // The server checks existence last: the content itself passed validation.
        if (resource.kind === 'Namespace') newNamespaces.delete(base.name);
        results.push({ ...base, status: 'exists', valid: true, error: { code: e.status, reason: e.reason, message: e.message, causes: [] }, object: null, note: note ?? 'it exists already: kubectl apply (or k8s_validate mode=apply) checks a change to it' });
        continue;
      }
      results.push({ ...refused(e.status, e.reason, e.message), note });
      continue;
    }
    results.push({ ...refused(0, 'Error', errorMessage(e)), status: 'not-validated', note: 'the server could not be asked' });
  }
  return results;
}

export function registerValidate(server: McpServer, access: ClusterAccess): void {
  const scrub = scrubSecretValues(access);
  registerPolicedTool(
    server,
    access.policy,
    'k8s_validate',
    'read',
    {
      title: 'Validate a manifest (server-side dry run)',
      description:
        'Checks YAML/JSON with the API server itself: a server-side dry run (dryRun=All, strict field validation) of a create, or of a server-side apply with mode=apply. Nothing is ever persisted, so this works on a read-only server. Per object: valid or invalid with the server\'s own error and field paths, and the object as the server would store it (defaults filled in, Secret values masked).',
      inputSchema: {
        manifest: manifestInput,
        namespace: namespaceInput.optional().describe('Namespace for objects that name none (default: default)'),
        mode: z.enum(['create', 'apply']).default('create').describe('create: as `kubectl create -f` (an existing object is reported as existing); apply: as `kubectl apply --server-side` against what is there'),
        force: z.boolean().default(false).describe('mode=apply only: take over fields another manager owns'),
        context: contextInput,
      },
      outputSchema: {
        valid: z.boolean().describe('every object passed the server\'s validation'),
        summary: z.string(),
        objects: z.array(objectSchema),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: false },
    },
    async (args): Promise<CallToolResult> => {
      const client = access.client(args.context);
      const objects = applyOrder(parseManifest(args.manifest, { requireName: false }));
      const redactor = secretRedactorFor(objects);
      const results = await validateObjects(access, client, objects, { namespace: args.namespace, mode: args.mode, force: args.force });
      const valid = results.every((r) => r.valid);
      const invalid = results.filter((r) => r.status === 'invalid').length;
      const summary = valid
        ? `${results.length} object${results.length === 1 ? '' : 's'} valid (server-side dry run, nothing persisted).`
        : `${invalid} of ${results.length} object${results.length === 1 ? '' : 's'} rejected by the server (dry run, nothing persisted).`;
      const text = [summary, '', ...results.map(renderLine)].join('\n');
      // The manifest's own Secret values are unknown to the cluster's redactor: scrub them here.
      return redactor.redactDeep(toolResult(text, { valid, summary, objects: results as unknown as Array<Record<string, unknown>> }));
    },
    scrub,
  );
}
