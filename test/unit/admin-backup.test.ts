import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { KeyRing, newBackupKey, openSecretValues, sealSecretValues } from '../../agents/admin/backup/crypto.js';
import { objectPath } from '../../agents/admin/backup/layout.js';
import { type KubeObject, kubeObjectSchema } from '../../agents/admin/backup/objects.js';
import { RESTORE_ORDER, restoreOrder } from '../../agents/admin/backup/order.js';
import { LAST_APPLIED, regeneratedReason, stripObject } from '../../agents/admin/backup/strip.js';
import { UserError } from '../../shared/errors.js';

const obj = (o: Record<string, unknown>): KubeObject => kubeObjectSchema.parse(o);
const specOf = (o: KubeObject) => o.spec as Record<string, unknown>;

describe('stripping cluster-generated fields', () => {
  it('drops metadata the cluster writes, status, and the last-applied annotation (which may hold Secret data)', () => {
    const d = obj({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web', namespace: 'shop', uid: 'u1', resourceVersion: '9', generation: 3, creationTimestamp: '2026-01-01T00:00:00Z', managedFields: [{}], selfLink: '/x',
        ownerReferences: [{ uid: 'other', kind: 'Thing', name: 't' }],
        labels: { app: 'web' },
        annotations: { [LAST_APPLIED]: '{"data":{"password":"c2VjcmV0"}}', 'deployment.kubernetes.io/revision': '4', 'team.example.com/owner': 'ana' },
      },
      spec: { replicas: 2 },
      status: { readyReplicas: 2 },
    });
    const s = stripObject(d) as Record<string, unknown> & KubeObject;
    expect(s.metadata).toEqual({ name: 'web', namespace: 'shop', labels: { app: 'web' }, annotations: { 'team.example.com/owner': 'ana' } });
    expect(s.status).toBeUndefined();
    expect(s.spec).toEqual({ replicas: 2 });
    expect(d.metadata.uid).toBe('u1'); // the input is not changed
  });

  it('drops allocated Service IPs but keeps a headless clusterIP: None, and nodePorts unless asked', () => {
    const svc = (clusterIP: string) => obj({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'n' }, spec: { clusterIP, clusterIPs: [clusterIP], healthCheckNodePort: 30100, type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] } });
    const normal = specOf(stripObject(svc('10.0.0.7')));
    expect(normal.clusterIP).toBeUndefined();
    expect(normal.clusterIPs).toBeUndefined();
    expect(normal.healthCheckNodePort).toBeUndefined();
    expect(normal.ports).toEqual([{ port: 80, nodePort: 30080 }]);
    expect(specOf(stripObject(svc('10.0.0.7'), { stripNodePorts: true })).ports).toEqual([{ port: 80 }]);
    expect(specOf(stripObject(svc('None'))).clusterIP).toBe('None');
  });

  it('drops a PVC binding (volumeName, pv.kubernetes.io annotations) and a Job\'s generated selector', () => {
    const pvc = stripObject(obj({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'n', annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'volume.kubernetes.io/selected-node': 'w1' } }, spec: { volumeName: 'pvc-123', resources: { requests: { storage: '1Gi' } } } })) as KubeObject & { spec: Record<string, unknown> };
    expect(pvc.spec.volumeName).toBeUndefined();
    expect(pvc.metadata.annotations).toBeUndefined();
    const job = stripObject(obj({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'n', labels: { app: 'x', 'batch.kubernetes.io/controller-uid': 'u' } }, spec: { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u' } }, template: { metadata: { labels: { app: 'x', 'controller-uid': 'u', 'job-name': 'j' } } } } })) as KubeObject & { spec: { selector?: unknown; template: { metadata: { labels: unknown } } } };
    expect(job.spec.selector).toBeUndefined();
    expect(job.spec.template.metadata.labels).toEqual({ app: 'x' });
    expect(job.metadata.labels).toEqual({ app: 'x' });
  });

  it('leaves out what the cluster regenerates and keeps what users own', () => {
    const ctx = { listedUids: new Set(['rs-uid', 'dep-uid']), servicesWithSelector: new Set(['n/web']) };
    const why = (o: Record<string, unknown>) => regeneratedReason(obj(o), ctx);
    expect(why({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n', ownerReferences: [{ uid: 'rs-uid', kind: 'ReplicaSet', name: 'rs', controller: true }] } })).toMatch(/owned by ReplicaSet rs/);
    expect(why({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'lonely', namespace: 'n' } })).toBeUndefined();
    expect(why({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: 'n' } })).toBeDefined();
    expect(why({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace: 'n' } })).toBeUndefined();
    expect(why({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'n' } })).toBeDefined();
    expect(why({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app', namespace: 'n' } })).toBeUndefined();
    expect(why({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token', metadata: { name: 't', namespace: 'n' } })).toBeDefined();
    expect(why({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'n' } })).toBeDefined();
    expect(why({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'external-db', namespace: 'n' } })).toBeUndefined();
    expect(why({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l', namespace: 'n' } })).toBeDefined();
    expect(why({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'n' } })).toBeDefined();
    // An owner outside the backup (cluster-scoped, another namespace) recreates nothing here: keep it.
    expect(why({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n', ownerReferences: [{ uid: 'elsewhere', kind: 'Thing', name: 't' }] } })).toBeUndefined();
  });
});

describe('restore order', () => {
  it('puts what others depend on first, the rest last, stable by name', () => {
    const mk = (kind: string, name: string) => obj({ apiVersion: 'v1', kind, metadata: { name, namespace: 'n' } });
    const sorted = restoreOrder([mk('Widget', 'w'), mk('NetworkPolicy', 'np'), mk('Deployment', 'b'), mk('Deployment', 'a'), mk('Secret', 's'), mk('Namespace', 'n'), mk('RoleBinding', 'rb'), mk('Role', 'r'), mk('ServiceAccount', 'sa'), mk('PersistentVolumeClaim', 'pvc'), mk('HorizontalPodAutoscaler', 'h'), mk('Service', 'svc'), mk('ConfigMap', 'c')]);
    expect(sorted.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/n', 'ServiceAccount/sa', 'Secret/s', 'ConfigMap/c', 'PersistentVolumeClaim/pvc', 'Role/r', 'RoleBinding/rb', 'Service/svc', 'Deployment/a', 'Deployment/b', 'HorizontalPodAutoscaler/h', 'NetworkPolicy/np', 'Widget/w',
    ]);
    expect(RESTORE_ORDER[0]).toBe('Namespace');
  });
});

describe('Secret encryption', () => {
  const material = Buffer.from(randomBytes(32).toString('base64'));
  const key = newBackupKey(material);
  const values = { data: { password: Buffer.from('s3cr3t-value-42').toString('base64') } };

  it('round-trips with the same key material and keeps no plaintext in the sealed form', () => {
    const sealed = sealSecretValues(values, key, 'shop', 'db');
    expect(JSON.stringify(sealed)).not.toContain(values.data.password);
    expect(JSON.stringify(sealed)).not.toContain('s3cr3t-value-42');
    expect(openSecretValues(sealed, new KeyRing(material).keyFor(sealed.kdf), 'shop', 'db')).toEqual(values);
  });

  it('uses a fresh nonce per Secret and a fresh salt per backup', () => {
    const a = sealSecretValues(values, key, 'shop', 'db');
    const b = sealSecretValues(values, key, 'shop', 'db');
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(newBackupKey(material).kdf.salt).not.toBe(key.kdf.salt);
  });

  it('detects a wrong key, a changed byte and a ciphertext moved to another Secret', () => {
    const sealed = sealSecretValues(values, key, 'shop', 'db');
    const wrong = new KeyRing(Buffer.from('another key of enough length')).keyFor(sealed.kdf);
    expect(() => openSecretValues(sealed, wrong, 'shop', 'db')).toThrow(UserError);
    expect(() => openSecretValues(sealed, wrong, 'shop', 'db')).toThrow(/not the key this backup was made with, or the backup file was altered/);
    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    bytes[0] = bytes[0]! ^ 1;
    expect(() => openSecretValues({ ...sealed, ciphertext: bytes.toString('base64') }, key.key, 'shop', 'db')).toThrow(UserError);
    expect(() => openSecretValues(sealed, key.key, 'shop', 'other')).toThrow(UserError);
  });
});

describe('layout', () => {
  it('stores each object at <namespace>/<Kind>.<group>/<name>.yaml and refuses unsafe names', () => {
    expect(objectPath({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } })).toBe('shop/Deployment.apps/web.yaml');
    expect(objectPath({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } })).toBe('shop/Namespace.core/shop.yaml');
    expect(() => objectPath({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '../../etc', namespace: 'shop' } })).toThrow();
  });
});
