import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { UserError } from '../../../shared/errors.js';
import { MASK } from '../../../shared/redact.js';
import { changeOutput } from '../../../shared/mcp/change.js';
import { previewThenRun } from '../../../shared/mcp/guard.js';
import { kindInput, nameInput, namespaceInput } from '../../../shared/mcp/inputs.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { describeTarget, patchAndReport, proposalFor, readTarget, writeInputs, writeTarget } from '../writes.js';

const jsonPatchOp = z.object({
  op: z.enum(['add', 'remove', 'replace', 'move', 'copy', 'test']),
  path: z.string().startsWith('/', 'a JSON pointer starts with /'),
  value: z.unknown().optional(),
  from: z.string().optional(),
});

/** A Secret patch with its values replaced by the mask: the keys it touches stay readable. */
function maskedPatch(patch: unknown): unknown {
  if (Array.isArray(patch)) return patch.map((op: Record<string, unknown>) => ('value' in op ? { ...op, value: MASK } : op));
  const mapping = (v: unknown) => (v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).map((k) => [k, MASK])) : MASK);
  const { data, stringData, ...rest } = patch as Record<string, unknown>;
  return { ...rest, ...(data !== undefined ? { data: mapping(data) } : {}), ...(stringData !== undefined ? { stringData: mapping(stringData) } : {}) };
}

export function registerPatch(server: McpServer, access: ClusterAccess): void {
  registerPolicedTool(
    server,
    access.policy,
    'k8s_patch',
    'write',
    {
      title: 'Patch an object',
      description:
        'Change part of one object like `kubectl patch`: strategic merge (default; built-in kinds), JSON merge (any kind, CRDs included) or JSON patch (a list of operations). The server dry-runs it first; the diff is shown for confirmation. dryRun: true only previews.',
      inputSchema: {
        kind: kindInput,
        name: nameInput,
        namespace: namespaceInput.optional().describe('Namespace (required for namespaced kinds)'),
        type: z.enum(['strategic', 'merge', 'json']).default('strategic').describe('strategic (built-in kinds), merge (RFC 7386, any kind) or json (RFC 6902 operations)'),
        patch: z.union([z.record(z.string(), z.unknown()), z.array(jsonPatchOp).min(1).max(100)]).describe('The patch: an object for strategic/merge, a list of operations for json'),
        ...writeInputs,
      },
      outputSchema: changeOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    async (args, call) => {
      if ((args.type === 'json') !== Array.isArray(args.patch)) {
        throw new UserError(args.type === 'json' ? 'a json patch is a list of operations' : `a ${args.type} patch is an object, not a list`, args.type === 'json' ? 'send e.g. [{"op":"replace","path":"/spec/replicas","value":2}]' : 'send e.g. {"spec":{"replicas":2}}, or set type: json for a list of operations');
      }
      const target = await writeTarget(access, args);
      const before = await readTarget(target);
      const write = (dryRun: boolean) =>
        patchAndReport(access, target, before, { type: args.type, body: args.patch }, dryRun, {
          action: 'patched',
          summary: (changed) => (changed ? `${describeTarget(target)}: ${args.type} patch ${dryRun ? 'would change' : 'changed'} it (diff below).` : `${describeTarget(target)}: the patch changes nothing.`),
        });
      return previewThenRun(call.write, {
        dryRun: args.dryRun,
        action: `patch ${describeTarget(target)}`,
        cluster: { access, context: args.context },
        proposal: () => proposalFor('patch', target),
        needsConfirmation: (preview) => preview.diff !== '',
        preview: () => write(true),
        run: () => write(false),
        reversibility: (preview) => ({ reversible: true, undo: preview.diff ? `k8s_patch ${describeTarget(target)} back to the values on the diff's - lines` : 'nothing changes, nothing to undo' }),
        // A patch of a Secret carries its new values: the audit keeps only which keys it sets.
        auditArguments: () => (target.resource.kind === 'Secret' ? { ...args, patch: maskedPatch(args.patch) } : args),
      });
    },
    scrubSecretValues(access),
  );
}
