/**
 * What the four helm write tools share: their common inputs and output, reading a release's
 * current state, and turning two manifests into a reviewed plan — policy checked on every object
 * the change touches, Secret values masked in every line a person or a model will read.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { contextInput } from '../../shared/mcp/inputs.js';
import { isUserError, UserError } from '../../shared/errors.js';
import { changeOutput, type ChangeReport, type ObjectChange, objectRef, renderChangeReport, type Reversibility } from '../../shared/mcp/change.js';
import { type ChangePreview, previewThenRun } from '../../shared/mcp/guard.js';
import type { ToolCall } from '../../shared/mcp/register.js';
import { toolResult } from '../../shared/mcp/result.js';
import { textDiff } from '../../shared/object-diff.js';
import type { ResourceCatalog } from '../../shared/kube-discovery.js';
import { type KubeObjectLike, maskCredentialKeys, type SecretRedactor } from '../../shared/redact.js';
import { type HelmDeps, redactorFor } from './deps.js';
import { LayeredRedactor, maskManifest } from './mask.js';
import { compareManifests, credentialValues, type HelmReleaseJson, type ManifestObject, objectKey, parseManifest, toManifestObject } from './release-manifest.js';

export const dryRunInput = z
  .boolean()
  .default(false)
  .describe('true: only show what would change (objects and a diff, Secret values masked); nothing changes and no confirmation is asked');

const waitInputs = {
  wait: z.boolean().default(false).describe('Wait until the release\'s objects are ready (Deployments available, Jobs complete) before returning, like --wait'),
  timeoutSeconds: z.number().int().min(1).max(1800).default(300).describe('helm\'s --timeout in seconds: how long hooks and, with wait, readiness may take'),
};

/** The inputs every helm write tool ends with: waiting, the dry-run switch, the kubeconfig context. */
export const releaseWriteInputs = { ...waitInputs, dryRun: dryRunInput, context: contextInput };

/** The shared change report, plus where the release stands afterwards. */
export const releaseChangeOutput = {
  ...changeOutput,
  release: z.string(),
  namespace: z.string(),
  revision: z.number().nullable().describe('The release\'s revision after the change (in a dry run: the revision it would get); null once uninstalled'),
  status: z.string().describe('helm\'s release status afterwards (deployed, failed, uninstalled, …); in a dry run what it would be'),
  chart: z.string().nullable().describe('The chart as name-version, e.g. webapp-0.1.0'),
  notes: z.string().describe('The chart\'s NOTES.txt as rendered for this release, Secret values masked'),
};

export interface ReleaseTarget {
  release: string;
  namespace: string;
  context: string | undefined;
}

export interface ReleaseFacts {
  release: string;
  namespace: string;
  revision: number | null;
  status: string;
  chart: string | null;
  notes: string;
}

export interface ReleasePlan {
  changes: ObjectChange[];
  /** Unified diff of the masked manifests; empty when they are equal. */
  diff: string;
}

/** The release a write tool acts on, once its namespace is known not to be protected. */
export function writableRelease(deps: HelmDeps, args: { release: string; namespace: string; context?: string | undefined }): ReleaseTarget {
  deps.access.policy.assertWritableNamespace(args.namespace);
  return { release: args.release, namespace: args.namespace, context: args.context };
}

/** Every helm call a write tool makes for a release: its names are the positional values checked. */
export function helmTarget(target: ReleaseTarget, timeoutMs?: number) {
  return { context: target.context, positional: [target.release, target.namespace], timeoutMs };
}

/**
 * helm's --timeout (and --wait), and a limit for the child process above it: helm gives up first
 * and says what it was waiting for, instead of being killed mid-change with the release pending.
 */
export function waitArgs(args: { wait: boolean; timeoutSeconds: number }): { argv: string[]; timeoutMs: number } {
  return { argv: ['--timeout', `${args.timeoutSeconds}s`, ...(args.wait ? ['--wait'] : [])], timeoutMs: args.timeoutSeconds * 1000 + 30_000 };
}

/** The latest revision of a release (deployed or not), or undefined when helm knows no such release. */
export async function latestRevision(deps: HelmDeps, target: ReleaseTarget): Promise<{ revision: number; status: string; chart: string } | undefined> {
  let raw: string;
  try {
    raw = await deps.helm.run(['history', target.release, '--namespace', target.namespace, '--max', '1', '--output', 'json'], helmTarget(target));
  } catch (e) {
    if (isUserError(e) && /release: not found/.test(e.message)) return undefined;
    throw e;
  }
  const last = (JSON.parse(raw || '[]') as Array<{ revision: number; status: string; chart: string }>).at(-1);
  return last && { revision: last.revision, status: last.status, chart: last.chart };
}

/** The latest revision, or a clear error naming the release and namespace. */
export async function requireRevision(deps: HelmDeps, target: ReleaseTarget): Promise<{ revision: number; status: string; chart: string }> {
  const latest = await latestRevision(deps, target);
  if (!latest) throw new UserError(`release ${target.release} not found in namespace ${target.namespace}`, 'helm_list shows the releases and their namespaces');
  return latest;
}

/** A release's manifest as helm stored it: the current revision, or a past one. */
export function releaseManifest(deps: HelmDeps, target: ReleaseTarget, revision?: number): Promise<string> {
  const argv = ['get', 'manifest', target.release, '--namespace', target.namespace, ...(revision ? ['--revision', String(revision)] : [])];
  return deps.helm.run(argv, helmTarget(target));
}

/**
 * A redactor that knows the namespace's current Secret values and, on top, the values of every
 * Secret the manifests hold and of every credential-named key in the values given: a new
 * password is scrubbed even where a chart copies it outside a Secret (an env var, a ConfigMap,
 * the notes) and before any Secret in the cluster holds it.
 */
export async function releaseRedactor(deps: HelmDeps, target: ReleaseTarget, sources: { manifests: string[]; values?: unknown[] }): Promise<SecretRedactor> {
  const redactor = new LayeredRedactor(await redactorFor(deps, target.context, target.namespace));
  for (const manifest of sources.manifests) {
    for (const o of lenientObjects(manifest)) if (o.kind === 'Secret') redactor.addSecret(o.object);
  }
  for (const values of sources.values ?? []) for (const value of credentialValues(values)) redactor.addValue(value);
  return redactor;
}

/** What a chart creates: the objects of its manifest and of its hooks (a hook Job runs as much as a Deployment). */
export function renderedObjects(release: Pick<HelmReleaseJson, 'manifest' | 'hooks'>): ManifestObject[] {
  return [...parseManifest(release.manifest ?? ''), ...(release.hooks ?? []).flatMap((h) => lenientObjects(h.manifest ?? ''))];
}

/** Objects of a manifest only read to learn Secret values (hooks): what cannot be parsed teaches nothing. */
function lenientObjects(manifest: string): ManifestObject[] {
  try {
    return parseManifest(manifest);
  } catch {
    return [];
  }
}

interface ResourceScope {
  plural: string;
  singular: string;
  kind: string;
  /** undefined: the cluster does not serve the kind (yet — a CRD the chart itself installs). */
  namespaced: boolean | undefined;
}

/** How to name an object's kind for policy, and whether it lives in a namespace, from discovery. */
async function resourceScopes(deps: HelmDeps, context: string | undefined): Promise<(o: ManifestObject) => ResourceScope> {
  let catalog: ResourceCatalog | undefined;
  try {
    catalog = await deps.access.catalog(deps.access.client(context));
  } catch (e) {
    deps.access.logger.debug({ err: e }, 'no discovery for helm write plan; kinds named from the manifest');
  }
  return (o) => {
    const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
    // Discovery lists each group's preferred version only: match on group and kind as well.
    const found = catalog?.resources.find((r) => r.apiVersion === o.apiVersion && r.kind === o.kind) ?? catalog?.resources.find((r) => r.group === group && r.kind === o.kind);
    return found
      ? { plural: found.plural, singular: found.singular, kind: found.kind, namespaced: found.namespaced }
      : { plural: `${o.kind.toLowerCase()}s`, singular: o.kind.toLowerCase(), kind: o.kind, namespaced: undefined };
  };
}

/**
 * Before against after: one change per object, and the diff of both manifests with Secrets
 * masked (a replaced Secret value shows as "changed"). With `enforcePolicy`, every object the
 * change creates, updates or deletes must pass the write policy — a chart may name its own
 * namespace (kube-system) or render a denied kind, and the release's namespace alone would not
 * catch that.
 */
export async function planRelease(deps: HelmDeps, target: ReleaseTarget, manifests: { before: string; after: string }, redactor: SecretRedactor, options: { enforcePolicy: boolean }): Promise<ReleasePlan> {
  const before = parseManifest(manifests.before);
  const after = parseManifest(manifests.after);
  const scopeOf = await resourceScopes(deps, target.context);
  const changes = compareManifests(before, after).map((c): ObjectChange => {
    const resource = scopeOf(c);
    const namespace = resource.namespaced === false ? null : (c.namespace ?? target.namespace);
    const change = { kind: c.kind, apiVersion: c.apiVersion, name: c.name, namespace, action: c.action };
    if (options.enforcePolicy && c.action !== 'unchanged' && c.action !== 'kept') {
      try {
        deps.access.policy.assertWritable({ resource, namespace: namespace ?? undefined, name: c.name });
      } catch (e) {
        if (isUserError(e)) throw new UserError(`release ${target.release} would change ${objectRef(change)}${namespace ? ` in namespace ${namespace}` : ''}: ${e.message}; nothing was changed`, e.fix);
        throw e;
      }
    }
    return change;
  });
  const previous = new Map(before.map((o) => [objectKey(o), o.object]));
  const previousOf = (secret: KubeObjectLike) => {
    const o = toManifestObject(secret);
    return o && previous.get(objectKey(o));
  };
  // helm stores a manifest with a trailing blank line that a dry run does not print: not a change.
  const diff = textDiff(`release ${target.namespace}/${target.release}`, maskManifest(manifests.before, redactor).trimEnd(), maskManifest(manifests.after, redactor, previousOf).trimEnd());
  return { changes, diff };
}

/** What the person asked to confirm reads: the objects that change, then the diff (already masked). */
export function confirmationDetails(plan: ReleasePlan, redactor: SecretRedactor): string {
  const lines = plan.changes.filter((c) => c.action !== 'unchanged').map((c) => `${objectRef(c)}${c.namespace ? ` -n ${c.namespace}` : ''} ${c.action}`);
  // The message leaves through elicitation, past the result scrubber: scrub it here once more.
  return redactor.redactText([...lines, ...(plan.diff ? ['', plan.diff] : [])].join('\n'));
}

/** The change report and the release's facts, as text and as structured content. */
export function releaseResult(report: ChangeReport, facts: ReleaseFacts): CallToolResult {
  const state = `RELEASE: ${facts.release}  NAMESPACE: ${facts.namespace}  REVISION: ${facts.revision ?? '-'}  STATUS: ${facts.status}${facts.chart ? `  CHART: ${facts.chart}` : ''}`;
  const text = [renderChangeReport(report), '', state, ...(facts.notes.trim() ? ['', 'NOTES:', facts.notes.trim()] : [])].join('\n');
  return toolResult(text, { ...report, ...facts });
}

/** What a release change's dry run (or the change) says, with what the guardian and the question need. */
export interface ReleasePreview extends ChangePreview {
  facts: ReleaseFacts;
  /** The objects the guardian judges: those the chart renders, or the release holds. */
  objects: ManifestObject[];
  /** Knows the Secret and credential values of this change: scrubs the question and the audit. */
  redactor: SecretRedactor;
}

/**
 * The objects a release change changes: an object the upgrade leaves as it is is no change to
 * judge. Hooks (not in the object list) run every time and always count; when nothing changes, all do.
 */
function changingObjects(preview: ReleasePreview): ManifestObject[] {
  const key = (o: { kind: string; name: string }) => `${o.kind}/${o.name}`;
  const listed = new Set(preview.changes.map(key));
  const changed = new Set(preview.changes.filter((c) => c.action !== 'unchanged' && c.action !== 'kept').map(key));
  const changing = preview.objects.filter((o) => changed.has(key(o)) || !listed.has(key(o)));
  return changing.length ? changing : preview.objects;
}

export interface ReleaseWrite {
  dryRun: boolean;
  /** One line, from the dry run: "upgrade release web in namespace shop from revision 2 … (2 configured)". */
  action: (preview: ReleasePreview) => string;
  /** The guardian's verb: apply (install, upgrade), rollout-undo (rollback), delete (uninstall). */
  verb: 'apply' | 'rollout-undo' | 'delete';
  /** Whether a person confirms it even when the guardian allows it. */
  needsConfirmation: boolean;
  preview: () => Promise<ReleasePreview>;
  run: (preview: ReleasePreview) => Promise<ReleasePreview>;
  reversibility: (preview: ReleasePreview) => Reversibility;
}

/**
 * The kubernetes write tools' path (shared/mcp/guard previewThenRun) for a release: the guardian
 * judges the rendered objects in the release's namespace, the person reads the object list and
 * the masked diff, the audit keeps the arguments with credentials masked.
 */
export function guardedRelease(deps: HelmDeps, call: ToolCall, target: ReleaseTarget, write: ReleaseWrite): Promise<CallToolResult> {
  return previewThenRun(call.write, {
    dryRun: write.dryRun,
    action: write.action,
    cluster: { access: deps.access, context: target.context },
    proposal: (preview) => ({ verb: write.verb, namespace: target.namespace, objects: changingObjects(preview).map((o) => o.object) }),
    needsConfirmation: () => write.needsConfirmation,
    preview: write.preview,
    run: write.run,
    reversibility: write.reversibility,
    details: (preview) => confirmationDetails(preview, preview.redactor),
    auditArguments: (preview) => preview.redactor.redactDeep(maskCredentialKeys(call.write.args)),
    result: (report) => {
      const { dryRun, summary, changes, diff, guardian, blastRadius, reversibility, executionMode } = report;
      return releaseResult({ dryRun, summary, changes, diff, guardian, blastRadius, reversibility, executionMode }, report.facts);
    },
  });
}
