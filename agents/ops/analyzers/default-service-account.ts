/**
 * Pods running as their namespace's `default` ServiceAccount: a hygiene note, not a failure. Every
 * such pod shares one identity (a RoleBinding granted to `default` reaches all of them) and, unless
 * automount is off, carries its API token. One finding per namespace, on ServiceAccount `default`
 * (the object k8sgpt's security analyzer names), listing the pods and the controllers whose pod
 * templates set no serviceAccountName: that template is the thing to change.
 */
import type { AnalyzeOptions, AnalyzerFinding, Meta, PodSpec, Snapshot } from './types.js';
import { label, list, nm, nsOf } from './util.js';

const SHOWN = 5;

type Owned = { metadata?: Meta | null } | null | undefined;
/** What `kubectl set serviceaccount` accepts. */
const SETTABLE = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'];
const ownerOf = (o: Owned) => list(o?.metadata?.ownerReferences).find((r) => r?.kind && r.name);

/** The controller whose template made a pod: the Deployment behind its ReplicaSet, the CronJob behind its Job, else its owner, else the pod. */
function templateOwner(s: Snapshot, pod: NonNullable<NonNullable<Snapshot['pods']>[number]>): string {
  const ns = nsOf(pod);
  const o = ownerOf(pod);
  if (!o) return `Pod ${nm(pod)}`;
  const parents: Record<string, Owned[] | null | undefined> = { ReplicaSet: s.replicasets, Job: s.jobs };
  const parent = list(parents[o.kind!]).find((x) => nm(x) === o.name && nsOf(x) === ns);
  const up = ownerOf(parent);
  return up && (up.kind === 'Deployment' || up.kind === 'CronJob') ? `${up.kind} ${up.name}` : `${o.kind} ${o.name}`;
}

/** The ServiceAccount a pod runs as; the API server fills in `default` when a spec names none. */
export const serviceAccountOf = (spec: PodSpec | null | undefined): string => spec?.serviceAccountName || spec?.serviceAccount || 'default';

export function analyzeDefaultServiceAccount(s: Snapshot, _o: AnalyzeOptions): AnalyzerFinding[] {
  const byNamespace = new Map<string, Array<{ pod: string; owner: string; token: boolean }>>();
  for (const pod of list(s.pods)) {
    if (!pod || !nm(pod) || !nsOf(pod)) continue;
    const spec = pod.spec as PodSpec | null | undefined;
    if (serviceAccountOf(spec) !== 'default') continue;
    const users = byNamespace.get(nsOf(pod)) ?? [];
    users.push({ pod: nm(pod), owner: templateOwner(s, pod), token: spec?.automountServiceAccountToken !== false });
    byNamespace.set(nsOf(pod), users);
  }
  const out: AnalyzerFinding[] = [];
  for (const [namespace, users] of byNamespace) {
    const object = { kind: 'ServiceAccount', name: 'default', namespace };
    const owners = [...new Set(users.map((u) => u.owner))];
    const withToken = users.filter((u) => u.token).length;
    const pods = users.map((u) => u.pod);
    // The fix is spelled out for the first controller; the others follow the same pattern.
    const [firstKind, dedicated] = owners[0]!.split(' ') as [string, string];
    const settable = SETTABLE.includes(firstKind);
    out.push({
      object,
      analyzer: 'default-service-account',
      severity: 'low',
      hygiene: true,
      summary: `${pods.length} pod(s) in ${namespace} run as ServiceAccount default (${owners.slice(0, 3).join(', ')}${owners.length > 3 ? ', …' : ''}): they share one identity${withToken ? ' and mount its API token' : ''}.`,
      evidence: [
        `pods with serviceAccountName default: ${pods.slice(0, SHOWN).join(', ')}${pods.length > SHOWN ? ` and ${pods.length - SHOWN} more` : ''}`,
        `pod templates that name no ServiceAccount: ${owners.join(', ')}`,
        `API token mounted (automountServiceAccountToken not false) in ${withToken} of ${pods.length}`,
      ],
      chain: [`${label(object)}: used by ${pods.length} pod(s)`, `${owners.join(', ')}: spec.template.spec.serviceAccountName not set`],
      fix: {
        text: `give each workload its own ServiceAccount with automountServiceAccountToken: false (grant it only the RBAC it needs; leave the token on only if it calls the API), then point the workload at it${settable ? '' : ' (set serviceAccountName in its pod template; a bare pod must be re-created)'}`,
        yaml: `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${dedicated}\n  namespace: ${namespace}\nautomountServiceAccountToken: false\n`,
        ...(settable ? { command: ['kubectl', 'set', 'serviceaccount', '-n', namespace, `${firstKind.toLowerCase()}/${dedicated}`, dedicated] } : {}),
      },
    });
  }
  return out;
}
