import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { kubeRequest, METADATA_LIST_ACCEPT } from '../../../shared/kube-http.js';
import { changeOutput } from '../../../shared/mcp/change.js';
import { previewThenRun } from '../../../shared/mcp/guard.js';
import { kindInput, nameInput, namespaceInput } from '../../../shared/mcp/inputs.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { changeOf, describeTarget, dryRunQuery, proposalFor, readTarget, scrubbedDiff, type WriteTarget, writeInputs, writeTarget } from '../writes.js';
import type { KubeObject } from './get.js';

/** What else goes with the object: the pods a workload runs, everything in a namespace — in words, and the pods counted. */
async function blastRadius(target: WriteTarget, object: KubeObject, propagation: string): Promise<{ text: string; podsDeleted: number }> {
  // An empty metadata list comes back with `items: null`.
  const count = async (path: string, labelSelector?: string) =>
    ((await kubeRequest(target.client, { path, query: { labelSelector }, accept: METADATA_LIST_ACCEPT })).json as { items: unknown[] | null }).items?.length ?? 0;
  if (object.kind === 'Namespace') {
    const pods = await count(`/api/v1/namespaces/${encodeURIComponent(target.name)}/pods`);
    return { text: `Everything in namespace ${target.name} goes with it (${pods} pods now).`, podsDeleted: pods };
  }
  if (object.kind === 'Pod') return { text: '', podsDeleted: 1 };
  const matchLabels = (object.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels;
  if (!matchLabels || !target.namespace || object.kind === 'Service') return { text: '', podsDeleted: 0 };
  const pods = await count(`/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods`, Object.entries(matchLabels).map(([k, v]) => `${k}=${v}`).join(','));
  return propagation === 'Orphan'
    ? { text: `Its ${pods} pods are left running, without an owner.`, podsDeleted: 0 }
    : { text: `Its ${pods} pod${pods === 1 ? '' : 's'} ${pods === 1 ? 'goes' : 'go'} with it.`, podsDeleted: pods };
}

export function registerDelete(server: McpServer, access: ClusterAccess): void {
  registerPolicedTool(
    server,
    access.policy,
    'k8s_delete',
    'write',
    {
      title: 'Delete an object',
      description: 'Delete one object like `kubectl delete`, after a server-side dry run that shows what goes (a workload\'s pods, a namespace\'s contents). Always asks for confirmation. dryRun: true only previews.',
      inputSchema: {
        kind: kindInput,
        name: nameInput,
        namespace: namespaceInput.optional().describe('Namespace (required for namespaced kinds)'),
        propagationPolicy: z.enum(['Background', 'Foreground', 'Orphan']).default('Background').describe('What happens to what it owns (kubectl\'s --cascade): Background (default), Foreground, or Orphan (keep them)'),
        gracePeriodSeconds: z.number().int().min(0).max(86_400).optional().describe('Seconds a pod gets to stop (default: its own terminationGracePeriodSeconds)'),
        ...writeInputs,
      },
      outputSchema: changeOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args, call) => {
      const target = await writeTarget(access, args);
      const before = await readTarget(target);
      const radius = await blastRadius(target, before, args.propagationPolicy);
      const write = async (dryRun: boolean) => {
        // With a body, the API server takes DeleteOptions from it alone and ignores the query:
        // dryRun must be in the body, or the "dry run" deletes.
        await kubeRequest(target.client, {
          method: 'DELETE',
          path: target.path,
          query: dryRunQuery(dryRun),
          body: {
            apiVersion: 'v1',
            kind: 'DeleteOptions',
            propagationPolicy: args.propagationPolicy,
            ...(args.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: args.gracePeriodSeconds } : {}),
            ...(dryRun ? { dryRun: ['All'] } : {}),
          },
        });
        return {
          summary: `${describeTarget(target)} ${dryRun ? 'would be' : 'is'} deleted. ${radius.text}`.trim(),
          changes: [changeOf(before, { ...target.resource, name: target.name, namespace: target.namespace }, 'deleted')],
          diff: await scrubbedDiff(access, target.client, target.namespace, describeTarget(target), before, undefined),
        };
      };
      return previewThenRun(call.write, {
        dryRun: args.dryRun,
        action: `delete ${describeTarget(target)}`,
        cluster: { access, context: args.context },
        proposal: () => proposalFor('delete', target),
        needsConfirmation: () => true,
        preview: () => write(true),
        run: () => write(false),
        reach: () => ({ podsEvicted: radius.podsDeleted }),
        reversibility: () => ({ reversible: false, undo: `not reversible: deleted objects are gone (re-create ${describeTarget(target)} from a manifest you kept; the diff shows what it was)` }),
      });
    },
    scrubSecretValues(access),
  );
}
