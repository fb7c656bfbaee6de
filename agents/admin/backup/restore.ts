/**
 * `backup restore`: Secrets unsealed in memory, every object judged by the guardian policy and
 * dry-run on the server first; with `apply`, server-side apply in dependency order, stopping at
 * the first failure, each write in the audit log. Without `apply` nothing is written.
 */
import type { AuditLog } from '../../../shared/audit/log.js';
import { errorMessage, UserError } from '../../../shared/errors.js';
import { type ApiResource, ResourceCatalog } from '../../../shared/kube-discovery.js';
import type { KubeClient } from '../../../shared/kube.js';
import { KubeApiError, kubeRequest } from '../../../shared/kube-http.js';
import { judge, type Policy } from '../../../shared/policy/judge.js';
import { SecretRedactor } from '../../../shared/redact.js';
import { KeyRing, openSecretValues, sealedSchema } from './crypto.js';
import { SEALED_FIELD } from './layout.js';
import { type KubeObject, refOf } from './objects.js';
import { restoreOrder } from './order.js';
import type { LoadedBackup } from './read.js';

export const FIELD_MANAGER = 'k8s-experts-restore';

export interface RestoreOptions {
  /** Only these namespaces of the backup (all when empty). */
  namespaces?: string[];
  /** Key material (the key file's bytes), needed when the backup holds sealed Secrets. */
  keyMaterial?: Buffer | undefined;
  apply: boolean;
  policy: Policy;
  audit?: AuditLog | undefined;
  actor: string;
}

export interface RestoreRow {
  kind: string;
  namespace: string;
  name: string;
  exists: boolean;
  policy: 'allow' | 'require-approval' | 'deny';
  dryRun: string;
  applied?: string;
}

export interface RestoreReport {
  source: string;
  applied: boolean;
  rows: RestoreRow[];
  /** Why nothing (more) was applied, when something stopped the restore. */
  stopped?: string;
  policyReasons: string[];
}

/** The objects to restore: filtered to the asked namespaces, Secrets unsealed (in memory only). */
export function unsealObjects(backup: LoadedBackup, options: Pick<RestoreOptions, 'namespaces' | 'keyMaterial'>, redactor: SecretRedactor): KubeObject[] {
  const wanted = options.namespaces?.length ? options.namespaces : backup.manifest.namespaces;
  const unknown = wanted.filter((n) => !backup.manifest.namespaces.includes(n));
  if (unknown.length) throw new UserError(`the backup holds no namespace ${unknown.join(', ')}`, `it holds ${backup.manifest.namespaces.join(', ')}: pass one of those to --namespace, or leave --namespace out`);
  const nsOf = (o: KubeObject) => (o.kind === 'Namespace' ? o.metadata.name : (o.metadata.namespace ?? ''));
  const chosen = backup.objects.filter((o) => wanted.includes(nsOf(o)));
  const sealed = chosen.filter((o) => SEALED_FIELD in o);
  if (sealed.length && !options.keyMaterial) {
    throw new UserError(`the backup holds ${sealed.length} encrypted Secret${sealed.length === 1 ? '' : 's'} and no key was given`, 'pass the key file used for `backup create` with --key-file');
  }
  const ring = options.keyMaterial ? new KeyRing(options.keyMaterial) : undefined;
  // Every Secret is opened before anything else happens: a wrong key stops the restore with nothing sent.
  return chosen.map((o) => {
    if (!(SEALED_FIELD in o)) return o;
    const parsed = sealedSchema.safeParse((o as Record<string, unknown>)[SEALED_FIELD]);
    if (!parsed.success) throw new UserError(`Secret ${o.metadata.namespace}/${o.metadata.name} in the backup has a damaged ${SEALED_FIELD} field`, 'use an unedited copy of the backup');
    const values = openSecretValues(parsed.data, ring!.keyFor(parsed.data.kdf), o.metadata.namespace ?? '', o.metadata.name);
    const { [SEALED_FIELD]: _sealed, ...rest } = o as Record<string, unknown>;
    const secret = { ...rest, ...values } as KubeObject;
    redactor.addSecret(secret as Parameters<SecretRedactor['addSecret']>[0]);
    return secret;
  });
}

interface Planned {
  object: KubeObject;
  resource: ApiResource;
  row: RestoreRow;
}

async function serverApply(client: KubeClient, p: Planned, dryRun: boolean): Promise<void> {
  await kubeRequest(client, {
    method: 'PATCH',
    path: ResourceCatalog.path(p.resource, p.object.metadata.namespace, p.object.metadata.name),
    query: { fieldManager: FIELD_MANAGER, force: true, ...(dryRun ? { dryRun: 'All' } : {}) },
    contentType: 'application/apply-patch+yaml',
    body: JSON.stringify(p.object),
    timeoutMs: 30_000,
  });
}

async function exists(client: KubeClient, p: Omit<Planned, 'row'>): Promise<boolean> {
  try {
    await kubeRequest(client, { path: ResourceCatalog.path(p.resource, p.object.metadata.namespace, p.object.metadata.name) });
    return true;
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 404) return false;
    throw e;
  }
}

export async function restoreBackup(client: KubeClient, backup: LoadedBackup, options: RestoreOptions): Promise<RestoreReport> {
  const redactor = new SecretRedactor();
  const objects = restoreOrder(unsealObjects(backup, options, redactor));
  const clean = (e: unknown) => redactor.redactText(errorMessage(e)).split('\n')[0]!;
  const catalog = await ResourceCatalog.load(client);

  // The CRD check: every kind must be served before anything is sent.
  const missingKinds: string[] = [];
  const resolved = objects.flatMap((object) => {
    try {
      return [{ object, resource: catalog.forObject(object.apiVersion, object.kind) }];
    } catch {
      missingKinds.push(`${object.kind} (${object.apiVersion})`);
      return [];
    }
  });
  if (missingKinds.length) {
    throw new UserError(`the cluster serves no ${[...new Set(missingKinds)].join(', ')}: the backup holds objects of ${missingKinds.length === 1 ? 'that kind' : 'those kinds'}`, 'install the CRDs (or enable the APIs) they need first, then restore again; nothing was applied');
  }

  // What the guardian needs to know: the labels of each namespace, or the backup's for one it creates.
  const namespaceLabels: Record<string, Record<string, string> | null> = {};
  const existingNamespaces = new Set<string>();
  for (const ns of new Set(objects.map((o) => (o.kind === 'Namespace' ? o.metadata.name : (o.metadata.namespace ?? ''))))) {
    try {
      const live = (await kubeRequest(client, { path: `/api/v1/namespaces/${encodeURIComponent(ns)}` })).json as { metadata?: { labels?: Record<string, string> } };
      namespaceLabels[ns] = live.metadata?.labels ?? {};
      existingNamespaces.add(ns);
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 404)) throw e;
      namespaceLabels[ns] = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === ns)?.metadata.labels ?? {};
    }
  }

  const policyReasons: string[] = [];
  const planned: Planned[] = [];
  for (const { object, resource } of resolved) {
    const j = judge({ verb: 'apply', kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace, objects: [object] }, options.policy, { namespaceLabels });
    if (j.verdict !== 'allow') policyReasons.push(...j.reasons.map((r) => `${refOf(object)}: ${r}`));
    const namespace = object.kind === 'Namespace' ? '' : (object.metadata.namespace ?? '');
    planned.push({ object, resource, row: { kind: object.kind, namespace, name: object.metadata.name, exists: await exists(client, { object, resource }), policy: j.verdict, dryRun: 'pending' } });
  }
  const denied = planned.filter((p) => p.row.policy === 'deny');

  const dryRun = async (list: Planned[]) => {
    for (const p of list) {
      const ns = p.object.metadata.namespace;
      if (p.object.kind !== 'Namespace' && ns && !existingNamespaces.has(ns)) {
        p.row.dryRun = `not checked: namespace ${ns} is created first`;
        continue;
      }
      try {
        await serverApply(client, p, true);
        p.row.dryRun = p.row.exists ? 'ok (exists: would update)' : 'ok (would create)';
      } catch (e) {
        p.row.dryRun = `failed: ${clean(e)}`;
      }
    }
  };
  const failedDryRun = (list: Planned[]) => list.filter((p) => p.row.dryRun.startsWith('failed'));
  const report = (extra: Partial<RestoreReport> = {}): RestoreReport => ({ source: backup.source, applied: options.apply, rows: planned.map((p) => p.row), policyReasons, ...extra });

  await dryRun(planned);
  if (denied.length) return report({ applied: false, stopped: `the guardian policy forbids ${denied.length} object${denied.length === 1 ? '' : 's'} (${denied.map((p) => refOf(p.object)).join(', ')}): nothing was applied` });
  if (!options.apply) return report();
  if (failedDryRun(planned).length) return report({ applied: false, stopped: `the server-side dry run failed for ${failedDryRun(planned).map((p) => refOf(p.object)).join(', ')}: nothing was applied` });

  const audit = async (action: 'approval' | 'execution' | 'result', subject: string, outcome: string, reason: string, data?: unknown) => {
    await options.audit?.append({ actor: options.actor, agent: 'admin', action, subject, outcome, reason, ...(data !== undefined ? { data } : {}) });
  };
  const needApproval = planned.filter((p) => p.row.policy === 'require-approval');
  if (needApproval.length) {
    await audit('approval', `restore ${backup.manifest.namespaces.join(',')} from ${backup.source}`, 'approved', `--apply given by ${options.actor} after the dry run; rules asking for approval: ${[...new Set(policyReasons)].slice(0, 5).join(' ')}`, { objects: needApproval.map((p) => refOf(p.object)) });
  }

  const applyOne = async (p: Planned): Promise<boolean> => {
    try {
      await serverApply(client, p, false);
      p.row.applied = p.row.exists ? 'updated' : 'created';
      await audit('execution', `apply ${refOf(p.object)}`, p.row.applied, `backup restore from ${backup.source} (server-side apply, fieldManager ${FIELD_MANAGER})`, { kind: p.object.kind, namespace: p.object.metadata.namespace ?? null, name: p.object.metadata.name });
      return true;
    } catch (e) {
      p.row.applied = `failed: ${clean(e)}`;
      await audit('execution', `apply ${refOf(p.object)}`, 'failed', clean(e), { kind: p.object.kind, namespace: p.object.metadata.namespace ?? null, name: p.object.metadata.name });
      return false;
    }
  };
  const appliedSoFar = () => planned.filter((p) => p.row.applied && !p.row.applied.startsWith('failed')).map((p) => refOf(p.object));
  const stop = async (what: string) => {
    const stopped = `${what}; applied before it: ${appliedSoFar().join(', ') || 'nothing'}`;
    await audit('result', `restore from ${backup.source}`, 'failed', stopped);
    return report({ stopped });
  };

  // Namespaces first, for real; then everything else is dry-run again inside them before any other write.
  const namespaces = planned.filter((p) => p.object.kind === 'Namespace');
  const rest = planned.filter((p) => p.object.kind !== 'Namespace');
  for (const p of namespaces) {
    if (!(await applyOne(p))) return stop(`applying ${refOf(p.object)} failed`);
    existingNamespaces.add(p.object.metadata.name);
  }
  const unchecked = rest.filter((p) => p.row.dryRun.startsWith('not checked'));
  await dryRun(unchecked);
  if (failedDryRun(unchecked).length) return stop(`the server-side dry run failed for ${failedDryRun(unchecked).map((p) => refOf(p.object)).join(', ')}`);
  for (const p of rest) {
    if (!(await applyOne(p))) return stop(`applying ${refOf(p.object)} failed`);
  }
  await audit('result', `restore from ${backup.source}`, 'succeeded', `${planned.length} objects applied`);
  return report();
}
