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

interface Owned {
  metadata: { name: string; annotations?: Record<string, string>; ownerReferences?: Array<{ uid: string }> };
  spec?: { replicas?: number; template?: { spec?: { containers?: Array<{ image?: string }> } } };
  status?: { replicas?: number };
  revision?: number;
  data?: { spec?: { template?: { spec?: { containers?: Array<{ image?: string }> } } } };
}

const imagesOf = (containers: Array<{ image?: string }> | undefined) => (containers ?? []).map((c) => c.image ?? '');

/** Revisions the way `kubectl rollout history` finds them: ReplicaSets, or ControllerRevisions. */
async function revisions(access: ClusterAccess, context: string | undefined, workload: KubeObject): Promise<Revision[]> {
  const client = access.client(context);
  const ns = encodeURIComponent(workload.metadata?.namespace ?? '');
  const uid = workload.metadata?.uid;
  if (workload.kind === 'Deployment') {
    const list = (await kubeRequest(client, { path: `/apis/apps/v1/namespaces/${ns}/replicasets` })).json as { items: Owned[] };
    return list.items
      .filter((rs) => rs.metadata.ownerReferences?.some((o) => o.uid === uid))
      .map((rs) => ({
        revision: Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0),
        changeCause: rs.metadata.annotations?.['kubernetes.io/change-cause'] ?? '',
        images: imagesOf(rs.spec?.template?.spec?.containers),
        replicas: rs.status?.replicas ?? 0,
      }))
      .sort((a, b) => a.revision - b.revision);
  }
  const list = (await kubeRequest(client, { path: `/apis/apps/v1/namespaces/${ns}/controllerrevisions` })).json as { items: Owned[] };
  return list.items
    .filter((cr) => cr.metadata.ownerReferences?.some((o) => o.uid === uid))
    .map((cr) => ({
      revision: cr.revision ?? 0,
      changeCause: cr.metadata.annotations?.['kubernetes.io/change-cause'] ?? '',
      images: imagesOf(cr.data?.spec?.template?.spec?.containers),
      replicas: null,
    }))
    .sort((a, b) => a.revision - b.revision);
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
