import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { UserError } from '../../../shared/errors.js';
import { kubeRequest } from '../../../shared/kube-http.js';
import { contextInput, nameInput, namespaceInput } from '../../../shared/mcp/inputs.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { toolResult } from '../../../shared/mcp/result.js';
import { renderTable } from '../../../shared/table.js';
import { rolloutStatus } from '../rollout.js';
import { type KubeObject, readObject } from './get.js';

interface Revision {
  revision: number;
  changeCause: string;
  images: string[];
  replicas: number | null;
}

export interface Owned {
  metadata: { name: string; annotations?: Record<string, string>; ownerReferences?: Array<{ uid: string }> };
  spec?: { replicas?: number; template?: { metadata?: { labels?: Record<string, string>; [k: string]: unknown }; spec?: { containers?: Array<{ image?: string }> } } };
  status?: { replicas?: number };
  revision?: number;
  data?: { spec?: { template?: { spec?: { containers?: Array<{ image?: string }> } } }; [k: string]: unknown };
}

const imagesOf = (containers: Array<{ image?: string }> | undefined) => (containers ?? []).map((c) => c.image ?? '');

/** A workload's revisions, oldest first: its ReplicaSets (Deployments) or ControllerRevisions (StatefulSets, DaemonSets). */
export async function ownedRevisions(access: ClusterAccess, context: string | undefined, workload: KubeObject): Promise<Array<{ revision: number; object: Owned }>> {
  const client = access.client(context);
  const ns = encodeURIComponent(workload.metadata?.namespace ?? '');
  const uid = workload.metadata?.uid;
  const isDeployment = workload.kind === 'Deployment';
  const list = (await kubeRequest(client, { path: `/apis/apps/v1/namespaces/${ns}/${isDeployment ? 'replicasets' : 'controllerrevisions'}` })).json as { items: Owned[] };
  return list.items
    .filter((o) => o.metadata.ownerReferences?.some((ref) => ref.uid === uid))
    .map((o) => ({ revision: isDeployment ? Number(o.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0) : (o.revision ?? 0), object: o }))
    .sort((a, b) => a.revision - b.revision);
}

/** Revisions the way `kubectl rollout history` shows them. */
async function revisions(access: ClusterAccess, context: string | undefined, workload: KubeObject): Promise<Revision[]> {
  return (await ownedRevisions(access, context, workload)).map(({ revision, object }) => ({
    revision,
    changeCause: object.metadata.annotations?.['kubernetes.io/change-cause'] ?? '',
    images: imagesOf((workload.kind === 'Deployment' ? object.spec : object.data?.spec)?.template?.spec?.containers),
    replicas: workload.kind === 'Deployment' ? (object.status?.replicas ?? 0) : null,
  }));
}

export function registerRollout(server: McpServer, access: ClusterAccess): void {
  registerPolicedTool(
    server,
    access.policy,
    'k8s_rollout',
    'read',
    {
      title: 'Rollout status and history',
      description: 'For a Deployment, StatefulSet or DaemonSet: whether its rollout is done (like `kubectl rollout status`, without waiting) and its revisions with images and change-cause (like `kubectl rollout history`).',
      inputSchema: {
        kind: z.enum(['deployment', 'statefulset', 'daemonset']),
        name: nameInput,
        namespace: namespaceInput,
        context: contextInput,
      },
      outputSchema: {
        done: z.boolean(),
        status: z.string(),
        revisions: z.array(z.object({ revision: z.number(), changeCause: z.string(), images: z.array(z.string()), replicas: z.number().nullable() })),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const { object } = await readObject(access, args);
      if (!['Deployment', 'StatefulSet', 'DaemonSet'].includes(object.kind ?? '')) throw new UserError(`${object.kind} has no rollout`);
      const status = rolloutStatus(object as Parameters<typeof rolloutStatus>[0]);
      const history = await revisions(access, args.context, object);
      const table = renderTable(
        ['Revision', 'Change-Cause', 'Images', ...(object.kind === 'Deployment' ? ['Replicas'] : [])],
        history.map((r) => [r.revision, r.changeCause || '<none>', r.images.join(','), ...(object.kind === 'Deployment' ? [r.replicas] : [])]),
      );
      return toolResult(`${status.message}\n\n${history.length ? table : 'No revisions recorded.'}`, { done: status.done, status: status.message, revisions: history });
    },
    scrubSecretValues(access),
  );
}
