import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { UserError } from '../../../shared/errors.js';
import { changeOutput } from '../../../shared/mcp/change.js';
import { previewThenRun } from '../../../shared/mcp/guard.js';
import { kindInput, nameInput, namespaceInput } from '../../../shared/mcp/inputs.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { describeTarget, patchAndReport, proposalFor, readTarget, writeInputs, writeTarget } from '../writes.js';

// Kubernetes' qualified names: an optional DNS-subdomain prefix and a slash, then up to 63 characters.
const NAME_PART = '([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]';
const qualifiedKey = z
  .string()
  .max(317)
  .regex(new RegExp(`^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?${NAME_PART}$`), 'expected a key like app, tier or example.com/owner (letters, digits, - _ ., an optional DNS prefix and /)');
const labelValue = z.string().max(63).regex(new RegExp(`^(${NAME_PART})?$`), 'a label value has at most 63 letters, digits, - _ . and starts and ends with a letter or digit');
const annotationValue = z.string().max(262_144);

interface MetadataTool {
  tool: 'k8s_label' | 'k8s_annotate';
  field: 'labels' | 'annotations';
  value: z.ZodString;
}

/** What a label/annotate call changes, checked against what is there (kubectl's --overwrite rule). */
export function metadataChanges(existing: Record<string, string>, wanted: Record<string, string | null>, overwrite: boolean, field: string): { patch: Record<string, string | null>; overwrites: string[]; removals: string[] } {
  const patch: Record<string, string | null> = {};
  const overwrites: string[] = [];
  const removals: string[] = [];
  for (const [key, value] of Object.entries(wanted)) {
    const current = existing[key];
    if (value === null) {
      if (current === undefined) continue; // removing what is not there changes nothing
      removals.push(key);
      patch[key] = null;
    } else if (current !== value) {
      if (current !== undefined) {
        if (!overwrite) throw new UserError(`${field.slice(0, -1)} "${key}" already has the value "${current}"; nothing was changed`, 'pass overwrite: true to replace it');
        overwrites.push(key);
      }
      patch[key] = value;
    }
  }
  return { patch, overwrites, removals };
}

function registerMetadataTool(server: McpServer, access: ClusterAccess, spec: MetadataTool): void {
  const noun = spec.field.slice(0, -1);
  registerPolicedTool(
    server,
    access.policy,
    spec.tool,
    'write',
    {
      title: spec.field === 'labels' ? 'Label an object' : 'Annotate an object',
      description: `Set or remove ${spec.field} on one object like \`kubectl ${spec.field === 'labels' ? 'label' : 'annotate'}\`: a value sets the ${noun}, null removes it. Changing an existing value needs overwrite: true and asks for confirmation, as does removing one.`,
      inputSchema: {
        kind: kindInput,
        name: nameInput,
        namespace: namespaceInput.optional().describe('Namespace (required for namespaced kinds)'),
        [spec.field]: z.record(qualifiedKey, spec.value.nullable()).refine((r) => Object.keys(r).length > 0 && Object.keys(r).length <= 50, `give 1 to 50 ${spec.field}`).describe(`${spec.field} to set (value) or remove (null)`),
        overwrite: z.boolean().default(false).describe(`Allow replacing a ${noun} that already has another value`),
        ...writeInputs,
      },
      outputSchema: changeOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args, call) => {
      const target = await writeTarget(access, args);
      const before = await readTarget(target);
      const wanted = (args as Record<string, unknown>)[spec.field] as Record<string, string | null>;
      const existing = (before.metadata?.[spec.field] as Record<string, string> | undefined) ?? {};
      const { patch, overwrites, removals } = metadataChanges(existing, wanted, args.overwrite, spec.field);
      const write = async (dryRun: boolean) => {
        if (Object.keys(patch).length === 0) return { summary: `${describeTarget(target)}: its ${spec.field} are already as asked.`, changes: [], diff: '' };
        return patchAndReport(access, target, before, { type: 'merge', body: { metadata: { [spec.field]: patch } } }, dryRun, {
          action: spec.field === 'labels' ? 'labeled' : 'annotated',
          summary: () => `${describeTarget(target)}: ${Object.keys(patch).length} ${noun}${Object.keys(patch).length === 1 ? '' : 's'} ${dryRun ? 'would be ' : ''}set or removed.`,
        });
      };
      // The inverse call: every key set back to what it was (null: it was not there).
      const inverse = Object.fromEntries(Object.keys(patch).map((key) => [key, existing[key] ?? null]));
      return previewThenRun(call.write, {
        dryRun: args.dryRun,
        action: `${[overwrites.length ? `overwrite ${noun}s ${overwrites.join(', ')}` : '', removals.length ? `remove ${noun}s ${removals.join(', ')}` : ''].filter(Boolean).join(' and ') || `set ${spec.field}`} on ${describeTarget(target)}`,
        cluster: { access, context: args.context },
        proposal: () => proposalFor(spec.field === 'labels' ? 'label' : 'annotate', target),
        needsConfirmation: () => overwrites.length + removals.length > 0,
        preview: () => write(true),
        run: () => write(false),
        reversibility: () => ({ reversible: true, undo: Object.keys(inverse).length ? `${spec.tool} ${describeTarget(target)} ${spec.field}=${JSON.stringify(inverse)}${overwrites.length ? ' overwrite=true' : ''}` : 'nothing changes, nothing to undo' }),
      });
    },
    scrubSecretValues(access),
  );
}

export function registerLabel(server: McpServer, access: ClusterAccess): void {
  registerMetadataTool(server, access, { tool: 'k8s_label', field: 'labels', value: labelValue });
}

export function registerAnnotate(server: McpServer, access: ClusterAccess): void {
  registerMetadataTool(server, access, { tool: 'k8s_annotate', field: 'annotations', value: annotationValue });
}
