import { setTimeout as sleep } from 'node:timers/promises';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { UserError } from '../../../shared/errors.js';
import type { KubeClient } from '../../../shared/kube.js';
import { KubeApiError, kubeRequest } from '../../../shared/kube-http.js';
import { changeOutput, type ObjectChange } from '../../../shared/mcp/change.js';
import { previewThenRun } from '../../../shared/mcp/guard.js';
import { nameInput } from '../../../shared/mcp/inputs.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { describeBlockers, type DrainPod, planDrain, type PodRef } from '../drain.js';
import { dryRunQuery, patchTarget, proposalFor, readTarget, writeInputs, writeTarget } from '../writes.js';

const RETRY_MS = 2_000;

type Evicted = PodRef & { uid?: string | undefined };

const podPath = (p: PodRef) => `/api/v1/namespaces/${encodeURIComponent(p.namespace)}/pods/${encodeURIComponent(p.name)}`;
const podChange = (p: PodRef, action: string): ObjectChange => ({ kind: 'Pod', apiVersion: 'v1', name: p.name, namespace: p.namespace, action });

/** One eviction: undefined when accepted (or the pod is gone), else why not (a disruption budget, mostly). */
async function evict(client: KubeClient, pod: PodRef, dryRun: boolean, gracePeriodSeconds: number | undefined): Promise<string | undefined> {
  try {
    await kubeRequest(client, {
      method: 'POST',
      path: `${podPath(pod)}/eviction`,
      query: dryRunQuery(dryRun),
      body: {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name: pod.name, namespace: pod.namespace },
        deleteOptions: { ...(dryRun ? { dryRun: ['All'] } : {}), ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}) },
      },
    });
    return undefined;
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 404) return undefined;
    if (e instanceof KubeApiError && e.status === 429) return e.message;
    throw e;
  }
}

async function isGone(client: KubeClient, pod: Evicted): Promise<boolean> {
  try {
    const current = (await kubeRequest(client, { path: podPath(pod) })).json as { metadata?: { uid?: string } };
    return current.metadata?.uid !== pod.uid; // a StatefulSet pod comes back under the same name
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 404) return true;
    throw e;
  }
}

export function registerDrain(server: McpServer, access: ClusterAccess): void {
  registerPolicedTool(
    server,
    access.policy,
    'k8s_drain',
    'write',
    {
      title: 'Drain a node',
      description:
        'Cordon a node and evict its pods through the Eviction API like `kubectl drain`, so PodDisruptionBudgets are honoured: a pod a budget protects is retried until timeoutSeconds and then reported, not deleted. DaemonSet pods are skipped; pods without a controller or with emptyDir data need force / deleteEmptyDirData; pods in protected namespaces are left. Asks for confirmation with the list of pods.',
      inputSchema: {
        name: nameInput.describe('Node name'),
        ignoreDaemonSets: z.boolean().default(true).describe('Skip DaemonSet pods (default true; false refuses to drain a node that runs any)'),
        deleteEmptyDirData: z.boolean().default(false).describe('Evict pods with emptyDir volumes (their data is lost)'),
        force: z.boolean().default(false).describe('Evict pods that no controller recreates'),
        gracePeriodSeconds: z.number().int().min(0).max(3600).optional().describe('Seconds each pod gets to stop (default: its own)'),
        timeoutSeconds: z.number().int().min(1).max(600).default(60).describe('How long to keep retrying evictions a disruption budget refuses, and to wait for pods to go'),
        ...writeInputs,
      },
      outputSchema: { ...changeOutput, complete: z.boolean().describe('every evictable pod is gone from the node') },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args, call) => {
      const target = await writeTarget(access, { kind: 'nodes', name: args.name, context: args.context });
      const node = await readTarget(target);
      const client = target.client;
      const pods = ((await kubeRequest(client, { path: '/api/v1/pods', query: { fieldSelector: `spec.nodeName=${args.name}` } })).json as { items: Array<DrainPod & { metadata?: { uid?: string } }> }).items;
      const plan = planDrain(pods, { ...args, protectedNamespaces: access.policy.config.protectedNamespaces });
      if (plan.blockers.length) throw new UserError(`cannot drain node ${args.name}: ${describeBlockers(plan.blockers)}; nothing was changed`, 'pass the named option if losing those pods is acceptable');
      const uid = new Map(pods.map((p) => [`${p.metadata?.namespace}/${p.metadata?.name}`, p.metadata?.uid]));
      const left = [...plan.skip.map((p) => podChange(p, `skipped: ${p.reason}`)), ...plan.leave.map((p) => podChange(p, `left: ${p.reason}`))];
      let complete = false;
      const write = async (dryRun: boolean) => {
        const cordoned = (node.spec as { unschedulable?: boolean } | undefined)?.unschedulable === true;
        if (!cordoned) await patchTarget(target, { type: 'merge', body: { spec: { unschedulable: true } } }, dryRun);
        const nodeChange: ObjectChange = { kind: 'Node', apiVersion: 'v1', name: args.name, namespace: null, action: cordoned ? 'already cordoned' : 'cordoned' };
        if (dryRun) {
          // Each eviction is checked on its own: two pods under one budget may both pass here.
          const checks = await Promise.all(plan.evict.map(async (p) => ({ pod: p, refusal: await evict(client, p, true, args.gracePeriodSeconds) })));
          const refused = checks.filter((c) => c.refusal);
          complete = refused.length === 0 && plan.leave.length === 0;
          return {
            summary: `Node ${args.name}: ${plan.evict.length} pod${plan.evict.length === 1 ? '' : 's'} to evict${refused.length ? `, ${refused.length} of them refused now by a disruption budget` : ''}; ${plan.skip.length} skipped, ${plan.leave.length} left in protected namespaces.`,
            changes: [nodeChange, ...checks.map((c) => podChange(c.pod, c.refusal ? `eviction refused: ${c.refusal}` : 'evicted')), ...left],
            diff: '',
          };
        }
        const deadline = Date.now() + args.timeoutSeconds * 1000;
        const refusals = new Map<string, string>();
        const evicted: Evicted[] = [];
        let pending = plan.evict;
        while (pending.length && !call.signal.aborted) {
          const still: PodRef[] = [];
          for (const pod of pending) {
            const refusal = await evict(client, pod, false, args.gracePeriodSeconds);
            if (refusal) {
              refusals.set(`${pod.namespace}/${pod.name}`, refusal);
              still.push(pod);
            } else {
              refusals.delete(`${pod.namespace}/${pod.name}`);
              evicted.push({ ...pod, uid: uid.get(`${pod.namespace}/${pod.name}`) });
            }
          }
          pending = still;
          if (!pending.length || Date.now() + RETRY_MS > deadline) break;
          await sleep(RETRY_MS);
        }
        let terminating = evicted;
        while (terminating.length && Date.now() < deadline && !call.signal.aborted) {
          terminating = (await Promise.all(terminating.map(async (p) => ((await isGone(client, p)) ? undefined : p)))).filter((p): p is Evicted => Boolean(p));
          if (terminating.length) await sleep(Math.min(RETRY_MS, Math.max(0, deadline - Date.now())));
        }
        complete = pending.length === 0 && terminating.length === 0 && plan.leave.length === 0;
        const stillTerminating = new Set(terminating.map((p) => `${p.namespace}/${p.name}`));
        const blockedWhy = pending.length ? ` ${pending.length} pod${pending.length === 1 ? ' is' : 's are'} still there because ${[...new Set(refusals.values())].join(' ')}` : '';
        return {
          summary: complete
            ? `Node ${args.name} is drained: ${evicted.length} pod${evicted.length === 1 ? '' : 's'} evicted, ${plan.skip.length} skipped; it stays cordoned until k8s_uncordon.`
            : `Node ${args.name} is cordoned but not empty.${blockedWhy}${terminating.length ? ` ${terminating.length} evicted pod(s) had not stopped after ${args.timeoutSeconds}s.` : ''}${plan.leave.length ? ` ${plan.leave.length} pod(s) in protected namespaces were left.` : ''} Call k8s_drain again later, or raise timeoutSeconds.`,
          changes: [
            nodeChange,
            ...evicted.map((p) => podChange(p, stillTerminating.has(`${p.namespace}/${p.name}`) ? 'evicted (still terminating)' : 'evicted')),
            ...pending.map((p) => podChange(p, `not evicted: ${refusals.get(`${p.namespace}/${p.name}`) ?? 'timed out'}`)),
            ...left,
          ],
          diff: '',
        };
      };
      const result = await previewThenRun(call.write, {
        dryRun: args.dryRun,
        action: `drain node ${args.name}: cordon it and evict ${plan.evict.length} pod${plan.evict.length === 1 ? '' : 's'}`,
        cluster: { access, context: args.context },
        proposal: () => proposalFor('drain', target),
        needsConfirmation: () => true,
        preview: () => write(true),
        run: () => write(false),
        reach: () => ({ podsEvicted: plan.evict.length }),
        reversibility: () => ({ reversible: false, undo: `not reversible: evicted pods are not brought back (their controllers recreate them elsewhere); k8s_uncordon node ${args.name} lets new pods land on it again` }),
      });
      return { ...result, structuredContent: { ...result.structuredContent, complete } };
    },
    scrubSecretValues(access),
  );
}
