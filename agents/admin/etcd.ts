/**
 * etcd backup guidance, pure: which kind of cluster this is (from node labels, annotations,
 * providerID, version strings, kube-system pods and served API groups) and the matching
 * snapshot and restore procedure. Managed control planes do not expose etcd: there the answer
 * is an object-level backup.
 */
import { isRecord } from '../../shared/records.js';

export const CLUSTER_KINDS = ['kwok', 'kind', 'kubeadm', 'k3s', 'rke2', 'eks', 'gke', 'aks', 'openshift', 'other'] as const;
export type ClusterKind = (typeof CLUSTER_KINDS)[number];

export interface ClusterFacts {
  apiServerVersion?: string | undefined;
  /** Node objects as the API returns them (metadata.labels/annotations, spec.providerID, status.nodeInfo). */
  nodes: unknown[];
  /** kube-system pods: name and labels. */
  kubeSystemPods: Array<{ name: string; labels?: Record<string, string> }>;
  /** API groups the server serves. */
  apiGroups: string[];
}

export interface Detection {
  kind: ClusterKind;
  /** The facts that decided it. */
  evidence: string[];
}

interface NodeBits {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  providerID: string;
  kubelet: string;
}

function nodeBits(n: unknown): NodeBits {
  const o = isRecord(n) ? n : {};
  const meta = isRecord(o.metadata) ? o.metadata : {};
  const strings = (x: unknown) => (isRecord(x) ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, String(v)])) : {});
  const spec = isRecord(o.spec) ? o.spec : {};
  const info = isRecord(o.status) && isRecord(o.status.nodeInfo) ? o.status.nodeInfo : {};
  return { name: String(meta.name ?? ''), labels: strings(meta.labels), annotations: strings(meta.annotations), providerID: String(spec.providerID ?? ''), kubelet: String(info.kubeletVersion ?? '') };
}

/** The first rule that matches wins: the most specific products first, kubeadm's static pods late, `other` last. */
export function detectClusterKind(facts: ClusterFacts): Detection {
  const nodes = (Array.isArray(facts.nodes) ? facts.nodes : []).map(nodeBits);
  const versions = [facts.apiServerVersion ?? '', ...nodes.map((n) => n.kubelet)].filter(Boolean);
  const groups = new Set(facts.apiGroups);
  const anyLabel = (re: RegExp) => nodes.flatMap((n) => Object.keys(n.labels).filter((k) => re.test(k)).map((k) => `node ${n.name} label ${k}`));
  const rules: Array<[ClusterKind, () => string[]]> = [
    ['kwok', () => [...nodes.filter((n) => n.annotations['kwok.x-k8s.io/node'] === 'fake' || n.labels.type === 'kwok').map((n) => `node ${n.name} is a kwok fake node`), ...(groups.has('kwok.x-k8s.io') ? ['API group kwok.x-k8s.io is served'] : [])]],
    ['openshift', () => [...['config.openshift.io', 'route.openshift.io'].filter((g) => groups.has(g)).map((g) => `API group ${g} is served`), ...anyLabel(/^node\.openshift\.io\//)]],
    ['eks', () => [...versions.filter((v) => /-eks-/.test(v)).map((v) => `version ${v}`), ...anyLabel(/^eks\.amazonaws\.com\//)]],
    ['gke', () => [...versions.filter((v) => /-gke\./.test(v)).map((v) => `version ${v}`), ...anyLabel(/^cloud\.google\.com\/gke-/)]],
    ['aks', () => [...anyLabel(/^kubernetes\.azure\.com\//), ...nodes.filter((n) => n.providerID.startsWith('azure://') && /aks-/.test(n.providerID)).map((n) => `node ${n.name} providerID ${n.providerID}`)]],
    ['rke2', () => versions.filter((v) => /\+rke2/.test(v)).map((v) => `version ${v}`)],
    ['k3s', () => [...versions.filter((v) => /\+k3s/.test(v)).map((v) => `version ${v}`), ...nodes.filter((n) => n.labels['node.kubernetes.io/instance-type'] === 'k3s').map((n) => `node ${n.name} instance-type k3s`)]],
    ['kind', () => nodes.filter((n) => n.providerID.startsWith('kind://')).map((n) => `node ${n.name} providerID ${n.providerID}`)],
    ['kubeadm', () => facts.kubeSystemPods.filter((p) => p.labels?.component === 'etcd' && p.labels?.tier === 'control-plane').map((p) => `static pod kube-system/${p.name} (component=etcd, tier=control-plane)`)],
  ];
  for (const [kind, evidence] of rules) {
    const found = evidence();
    if (found.length) return { kind, evidence: found.slice(0, 5) };
  }
  return { kind: 'other', evidence: ['no marker of a known distribution (no etcd static pod, no provider labels or version suffix)'] };
}

export interface EtcdGuidance {
  kind: ClusterKind;
  evidence: string[];
  /** Whether etcd can be reached to snapshot it at all. */
  etcdAccessible: boolean;
  backup: string[];
  verify: string[];
  restore: string[];
  notes: string[];
}

const KUBEADM_ETCDCTL = (prefix: string) =>
  `${prefix}ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key snapshot save /var/backups/etcd-snapshot.db`;
const OBJECT_BACKUP = [
  'k8s-experts backup (admin agent) — exports the objects of the namespaces you choose',
  'or Velero: velero backup create pre-upgrade --include-namespaces <ns,...> --snapshot-volumes',
];

/** The procedure for a detected kind. */
export function etcdGuidance(d: Detection): EtcdGuidance {
  const base = { kind: d.kind, evidence: d.evidence };
  switch (d.kind) {
    case 'kwok':
      return {
        ...base,
        etcdAccessible: true,
        backup: ['kwokctl snapshot save --name k8s-experts-demo --path demo-etcd.db', 'or: etcdctl --endpoints=http://127.0.0.1:12379 snapshot save demo-etcd.db   (the demo\'s etcd runs as a host process on 127.0.0.1, client port 12379 unless it was shifted)'],
        verify: ['etcdutl snapshot status demo-etcd.db --write-out=table'],
        restore: ['kwokctl snapshot restore --name k8s-experts-demo --path demo-etcd.db (stops and restarts the demo\'s control plane)'],
        notes: ['kwok nodes are simulated: a snapshot holds objects only, there is no node state to save', 'the demo etcd speaks plain http on loopback, so no client certificates are needed'],
      };
    case 'kind':
      return {
        ...base,
        etcdAccessible: true,
        backup: [KUBEADM_ETCDCTL('docker exec <cluster>-control-plane env '), 'docker cp <cluster>-control-plane:/var/backups/etcd-snapshot.db .'],
        verify: ['etcdutl snapshot status etcd-snapshot.db --write-out=table'],
        restore: ['kind is kubeadm in a container: restore as for kubeadm inside the control-plane container — or, simpler for a throwaway cluster, recreate it and re-apply objects'],
        notes: ['kind runs etcd as a kubeadm static pod in the control-plane container; the paths are kubeadm\'s'],
      };
    case 'kubeadm':
      return {
        ...base,
        etcdAccessible: true,
        backup: [`on a control-plane node: ${KUBEADM_ETCDCTL('')}`, 'also copy /etc/kubernetes/pki (the cluster CA and etcd CA are needed to restore)'],
        verify: ['etcdutl snapshot status /var/backups/etcd-snapshot.db --write-out=table'],
        restore: [
          'stop the API server: move /etc/kubernetes/manifests/kube-apiserver.yaml out of the manifests folder (on every control-plane node)',
          'etcdutl snapshot restore /var/backups/etcd-snapshot.db --data-dir /var/lib/etcd-restored',
          'point the etcd static pod (/etc/kubernetes/manifests/etcd.yaml, hostPath etcd-data) at /var/lib/etcd-restored, wait for etcd to come back, then move kube-apiserver.yaml back',
          'restart kubelet, controller-manager and scheduler so no component acts on stale caches',
        ],
        notes: ['in a stacked HA control plane restore the same snapshot on every member (with --name/--initial-cluster per member)', 'take the snapshot right before an upgrade (kubeadm upgrade also keeps one under /etc/kubernetes/tmp)'],
      };
    case 'k3s':
      return {
        ...base,
        etcdAccessible: true,
        backup: ['with embedded etcd: k3s etcd-snapshot save --name pre-upgrade   (snapshots land in /var/lib/rancher/k3s/server/db/snapshots)', 'with the default SQLite datastore (single server): stop k3s and copy /var/lib/rancher/k3s/server/db/ and /var/lib/rancher/k3s/server/token'],
        verify: ['k3s etcd-snapshot ls'],
        restore: ['systemctl stop k3s; k3s server --cluster-reset --cluster-reset-restore-path=<snapshot>; then start k3s (on the other servers: remove their db dir and rejoin)'],
        notes: ['keep the server token: a snapshot cannot be restored without it'],
      };
    case 'rke2':
      return {
        ...base,
        etcdAccessible: true,
        backup: ['rke2 etcd-snapshot save --name pre-upgrade   (snapshots land in /var/lib/rancher/rke2/server/db/snapshots)'],
        verify: ['rke2 etcd-snapshot ls'],
        restore: ['systemctl stop rke2-server; rke2 server --cluster-reset --cluster-reset-restore-path=<snapshot>; then start rke2-server (other servers: remove their db dir and rejoin)'],
        notes: ['keep /var/lib/rancher/rke2/server/token with the snapshot'],
      };
    case 'openshift':
      return {
        ...base,
        etcdAccessible: true,
        backup: ['oc debug node/<control-plane-node> -- chroot /host /usr/local/bin/cluster-backup.sh /home/core/assets/backup'],
        verify: ['the backup folder holds snapshot_<time>.db and static_kuberesources_<time>.tar.gz'],
        restore: ['follow "Restoring to a previous cluster state": cluster-restore.sh on one recovery control-plane host, then let the etcd operator re-add the others'],
        notes: ['back up from one control-plane node only; the script also saves the static pod resources'],
      };
    case 'eks':
    case 'gke':
    case 'aks':
      return {
        ...base,
        etcdAccessible: false,
        backup: OBJECT_BACKUP,
        verify: ['list the backup\'s contents (velero backup describe pre-upgrade --details) and restore it into a scratch namespace or cluster once'],
        restore: ['k8s-experts restore (admin agent) or velero restore create --from-backup pre-upgrade'],
        notes: [`${d.kind.toUpperCase()} runs etcd for you: it cannot be reached or snapshotted, and the provider backs the control plane up; your job is the objects and the volumes`],
      };
    default:
      return {
        ...base,
        etcdAccessible: false,
        backup: ['if you run etcd yourself: etcdctl --endpoints=<client url> --cacert/--cert/--key <your etcd client certs> snapshot save etcd-snapshot.db', ...OBJECT_BACKUP],
        verify: ['etcdutl snapshot status etcd-snapshot.db --write-out=table'],
        restore: ['etcdutl snapshot restore into a new data dir with the API servers stopped; for an object backup, k8s-experts restore or velero restore'],
        notes: ['the distribution could not be recognised from the API: check how its control plane runs before choosing'],
      };
  }
}

export function renderEtcdGuidance(g: EtcdGuidance): string {
  return [
    `This looks like a ${g.kind} cluster (${g.evidence.join('; ')}). ${g.etcdAccessible ? 'etcd can be snapshotted:' : 'etcd is not accessible from here: back up the objects instead:'}`,
    'Back up:',
    ...g.backup.map((s) => `  ${s}`),
    'Verify:',
    ...g.verify.map((s) => `  ${s}`),
    'Restore:',
    ...g.restore.map((s) => `  ${s}`),
    ...(g.notes.length ? ['Notes:', ...g.notes.map((s) => `  ${s}`)] : []),
  ].join('\n');
}
