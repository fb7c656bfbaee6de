/**
 * Writing a manifest object by object (apply and create): policy and namespace per object,
 * dry runs that tolerate a namespace the same manifest creates, and a failure part-way that
 * says what was already written.
 */
import { z } from 'zod';
import type { ClusterAccess } from '../../shared/cluster-access.js';
import { errorMessage, UserError } from '../../shared/errors.js';
import type { KubeClient } from '../../shared/kube.js';
import { KubeApiError } from '../../shared/kube-http.js';
import { type ChangeReport, type ObjectChange, objectRef, type Reversibility } from '../../shared/mcp/change.js';
import type { ChangePreview } from '../../shared/mcp/guard.js';
import type { ProposedAction } from '../../shared/policy/judge.js';
import type { ManifestObject } from './manifest.js';
import type { KubeObject } from './tools/get.js';
import { changeOf, describeTarget, manifestTarget, scrubbedDiff, withNamespace } from './writes.js';

export const manifestInput = z
  .string()
  .min(1)
  .max(1_000_000)
  .describe('YAML or JSON: one object, several documents separated by ---, or a kind: List');

type ManifestTarget = Awaited<ReturnType<typeof manifestTarget>>;

/** Writes one object; `before` is what was there (undefined: nothing, so the write creates it). */
export type WriteOne = (target: ManifestTarget, body: ManifestObject, dryRun: boolean) => Promise<{ before: KubeObject | undefined; after: KubeObject }>;

/** Counts actions for a summary line: "2 created, 1 configured". */
function tally(changes: ObjectChange[]): string {
  const counts = new Map<string, number>();
  for (const c of changes) counts.set(c.action, (counts.get(c.action) ?? 0) + 1);
  return [...counts].map(([action, n]) => `${n} ${action}`).join(', ');
}

function failedPartWay(object: ManifestObject, done: ObjectChange[], dryRun: boolean, e: unknown): UserError {
  const what = objectRef({ kind: object.kind, apiVersion: object.apiVersion, name: object.metadata.name ?? object.metadata.generateName ?? '' });
  const reason = e instanceof UserError && e.fix ? `${e.message} (${e.fix})` : e instanceof KubeApiError ? `${e.status} ${e.reason}: ${e.message}` : errorMessage(e);
  const before = done.length && !dryRun ? ` after ${done.map((c) => `${objectRef(c)} ${c.action}`).join(', ')} (those stay as they are now)` : '';
  const fix =
    e instanceof KubeApiError && e.status === 409 && e.reason === 'Conflict'
      ? 'another field manager owns those fields: pass force: true to take them over'
      : e instanceof KubeApiError && e.status === 409
        ? 'it exists already: use k8s_apply to change it'
        : undefined;
  return new UserError(`${what} failed${before}: ${reason}`, fix);
}

/** Writes each object in order and reports what changed, with one diff per object. */
export async function writeObjects(access: ClusterAccess, client: KubeClient, objects: ManifestObject[], namespaceArg: string | undefined, dryRun: boolean, writeOne: WriteOne): Promise<Omit<ChangeReport, 'dryRun'>> {
  const changes: ObjectChange[] = [];
  const diffs: string[] = [];
  const newNamespaces = new Set<string>();
  const unvalidated: string[] = [];
  for (const object of objects) {
    try {
      const target = await manifestTarget(access, client, object, namespaceArg);
      const body = withNamespace(object, target.namespace);
      let written: { before: KubeObject | undefined; after: KubeObject };
      try {
        written = await writeOne(target, body, dryRun);
      } catch (e) {
        // A namespace this manifest creates does not exist yet during its own dry run.
        if (!(dryRun && e instanceof KubeApiError && e.status === 404 && target.namespace && newNamespaces.has(target.namespace))) throw e;
        written = { before: undefined, after: body as KubeObject };
        unvalidated.push(describeTarget(target));
      }
      const { before, after } = written;
      if (object.kind === 'Namespace' && !before) newNamespaces.add(target.name);
      const diff = await scrubbedDiff(access, client, target.namespace, describeTarget({ ...target, name: after.metadata?.name ?? target.name }), before, after);
      if (diff) diffs.push(diff);
      changes.push(changeOf(after, { ...object, namespace: target.namespace }, !before ? 'created' : diff ? 'configured' : 'unchanged'));
    } catch (e) {
      throw failedPartWay(object, changes, dryRun, e);
    }
  }
  const caveat = unvalidated.length ? ` The server could not dry-run ${unvalidated.join(', ')}: its namespace is created by this same manifest.` : '';
  return { summary: `${objects.length} object${objects.length === 1 ? '' : 's'}: ${tally(changes)}.${caveat}`, changes, diff: diffs.join('\n') };
}

const located = (c: ObjectChange) => `${objectRef(c)}${c.namespace ? ` -n ${c.namespace}` : ''}`;

/** The one line naming a manifest write: "apply deployment.apps/web -n shop", "create configmap/job-config-* -n shop", "apply 3 objects". */
export function manifestAction(verb: 'apply' | 'create', objects: ManifestObject[], preview: ChangePreview): string {
  const first = objects[0];
  if (objects.length !== 1 || !first) return `${verb} ${objects.length} objects`;
  const namespace = preview.changes[0]?.namespace;
  return `${verb} ${objectRef({ ...first, name: first.metadata.name ?? `${first.metadata.generateName ?? ''}*` })}${namespace ? ` -n ${namespace}` : ''}`;
}

/**
 * What the guardian judges for apply/create: the objects the write changes (an object applied
 * unchanged is no change), each in the namespace the dry run settled; all of them when none changes.
 */
export function manifestProposal(verb: 'apply' | 'create', objects: ManifestObject[], preview: ChangePreview): ProposedAction {
  // writeObjects reports one change per object, in order.
  const located = objects.map((o, i) => ({ object: withNamespace(o, preview.changes[i]?.namespace ?? undefined), action: preview.changes[i]?.action }));
  const changing = located.filter((o) => o.action !== 'unchanged');
  return { verb, objects: (changing.length ? changing : located).map((o) => o.object) };
}

/** How to take back a manifest write: delete what it created, re-apply what it changed. */
export function manifestReversibility(preview: ChangePreview): Reversibility {
  const created = preview.changes.filter((c) => c.action === 'created');
  const configured = preview.changes.filter((c) => c.action === 'configured');
  const steps = [
    ...(created.length ? [`k8s_delete the created object${created.length === 1 ? '' : 's'}: ${created.map(located).join(', ')}`] : []),
    ...(configured.length ? [`k8s_apply the previous version of ${configured.map(located).join(', ')} (the diff's - lines show it; k8s_rollout_undo for a workload's template)`] : []),
  ];
  return { reversible: true, undo: steps.length ? steps.join('; ') : 'nothing changes, nothing to undo' };
}

/** The arguments as the audit keeps them: the manifest parsed, so its Secrets are masked by structure, not left in a string. */
export function manifestAudit(args: Record<string, unknown>, objects: ManifestObject[]): Record<string, unknown> {
  return { ...args, manifest: objects };
}
