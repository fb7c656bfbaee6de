import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { KeyRing, openSecretValues, sealedSchema } from '../../agents/admin/backup/crypto.js';
import { manifestSchema, SEALED_FIELD } from '../../agents/admin/backup/layout.js';
import { type KubeObject, kubeObjectSchema } from '../../agents/admin/backup/objects.js';
import { loadBackup } from '../../agents/admin/backup/read.js';
import { stripObject } from '../../agents/admin/backup/strip.js';
import { kubectl } from '../../tools/cluster/exec.js';
import { waitFor } from '../../tools/cluster/processes.js';
import { cleanEnv, runCli, STACK_FRAME } from '../helpers/cli.js';

/**
 * Backup → delete the namespace → restore, on the demo cluster: every object comes back (names,
 * labels, annotations, data, spec), the Secret value appears in no backup file and no output,
 * a wrong key applies nothing, and --secrets exclude writes no Secret.
 */
const NS = 'bkp-h6-app';
const SECRET_VALUE = `pw-${randomBytes(18).toString('hex')}`;
const SECRET_B64 = Buffer.from(SECRET_VALUE).toString('base64');

const k = (args: string[], input?: string) => kubectl(inject('kubectl'), inject('kubeconfig'), args, input);
const work = mkdtempSync(join(tmpdir(), 'k8sx-h6-backup-'));
const keyFile = join(work, 'backup.key');
const wrongKeyFile = join(work, 'wrong.key');
// Applying a restore is a write: the deployment must be in execution mode execute.
const env = () => cleanEnv({ KUBECONFIG: inject('kubeconfig'), K8S_EXPERTS_DATA_DIR: join(work, 'state'), HOME: work, K8S_EXPERTS_EXECUTION_MODE: 'execute' });
const outputs: string[] = [];
const cli = async (args: string[]) => {
  const r = await runCli(args, env(), 180_000);
  outputs.push(r.stdout, r.stderr);
  expect(r.stderr).not.toMatch(STACK_FRAME);
  return r;
};

const labels = { app: 'shopfront', 'backup-test': 'h6' };
const objects = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { team: 'h6', environment: 'test' }, annotations: { 'example.com/owner': 'h6' } } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'shopfront', namespace: NS, labels } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-credentials', namespace: NS, labels }, type: 'Opaque', data: { password: SECRET_B64, user: Buffer.from('shop').toString('base64') } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shopfront-config', namespace: NS, labels, annotations: { 'example.com/note': 'keep me' } }, data: { 'app.properties': 'color=blue\nsize=3\n', MODE: 'production' } },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'uploads', namespace: NS, labels }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'config-reader', namespace: NS, labels }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'shopfront-reads-config', namespace: NS, labels }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'config-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'shopfront', namespace: NS }] },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'shopfront', namespace: NS, labels }, spec: { selector: { app: 'shopfront' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'shopfront', namespace: NS, labels, annotations: { 'example.com/release': 'r7' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'shopfront' } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: 'shopfront',
          containers: [{ name: 'web', image: 'nginx:1.27.3', ports: [{ containerPort: 8080 }], resources: { requests: { cpu: '50m', memory: '64Mi' } }, env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } }], envFrom: [{ configMapRef: { name: 'shopfront-config' } }] }],
        },
      },
    },
  },
  { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly-report', namespace: NS, labels }, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'report', image: 'busybox:1.37', command: ['sh', '-c', 'echo report'] }] } } } } } },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'shopfront', namespace: NS, labels }, spec: { rules: [{ host: 'shop.h6.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'shopfront', port: { number: 80 } } } }] } }] } },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'shopfront', namespace: NS, labels }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shopfront' }, minReplicas: 2, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] } },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'shopfront', namespace: NS, labels }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'shopfront' } } } },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'shopfront-ingress', namespace: NS, labels }, spec: { podSelector: { matchLabels: { app: 'shopfront' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 8080, protocol: 'TCP' }] }] } },
];
const userObjects = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();

const filesUnder = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? filesUnder(join(dir, f)) : [join(dir, f)]));
const namespaceGone = async () => {
  try {
    await k(['get', 'namespace', NS]);
    return undefined;
  } catch {
    return true;
  }
};

/** Whether every field of `want` is in `have` with the same value (the server adds defaults). */
function contains(have: unknown, want: unknown, path = ''): string[] {
  if (want !== null && typeof want === 'object') {
    if (Array.isArray(want)) {
      if (!Array.isArray(have) || have.length !== want.length) return [`${path}: expected ${JSON.stringify(want)}, got ${JSON.stringify(have)}`];
      return want.flatMap((w, i) => contains(have[i], w, `${path}[${i}]`));
    }
    if (have === null || typeof have !== 'object') return [`${path}: missing`];
    return Object.entries(want).flatMap(([key, w]) => contains((have as Record<string, unknown>)[key], w, `${path}.${key}`));
  }
  return have === want ? [] : [`${path}: expected ${JSON.stringify(want)}, got ${JSON.stringify(have)}`];
}

const live = async (o: KubeObject) => kubeObjectSchema.parse(JSON.parse((await k(['get', `${o.kind}.${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}`.replace(/\.$/, ''), o.metadata.name, ...(o.kind === 'Namespace' ? [] : ['-n', NS]), '-o', 'json'])).stdout));

beforeAll(async () => {
  writeFileSync(keyFile, randomBytes(32).toString('base64'));
  writeFileSync(wrongKeyFile, randomBytes(32).toString('base64'));
  await k(['delete', 'namespace', NS, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  await k(['apply', '-f', '-'], objects.map((o) => stringify(o)).join('---\n'));
  // Let the controllers make what a backup must leave out: a ReplicaSet and its pods.
  await waitFor('the Deployment\'s pods', async () => ((JSON.parse((await k(['get', 'pods', '-n', NS, '-o', 'json'])).stdout) as { items: unknown[] }).items.length >= 2 ? true : undefined), 90_000, 500);
}, 300_000);

afterAll(async () => {
  // Waited for: the next test files judge the whole cluster's posture.
  await k(['delete', 'namespace', NS, '--ignore-not-found', '--wait=true', '--timeout=120s']);
});

describe('backup and restore of a namespace', () => {
  const dir = join(work, 'backup-dir');
  const tarball = join(work, 'backup.tar.gz');
  const excluded = join(work, 'backup-no-secrets');

  it('refuses to write Secrets unencrypted without a choice, naming both choices', async () => {
    const r = await cli(['backup', 'create', '--namespace', NS, '--out', join(work, 'nope')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--key-file/);
    expect(r.stderr).toMatch(/--secrets exclude/);
  });

  it('backs up to a directory and a tarball, encrypted, without the regenerated objects', async () => {
    const a = await cli(['backup', 'create', '--namespace', NS, '--out', dir, '--key-file', keyFile, '--json']);
    expect(a.code, a.stderr).toBe(0);
    const manifest = manifestSchema.parse(JSON.parse(readFileSync(join(dir, 'backup.json'), 'utf8')));
    expect(manifest.namespaces).toEqual([NS]);
    expect(manifest.secrets).toBe('encrypt');
    expect(manifest.kubernetesVersion).toMatch(/^v1\.\d+/);
    expect(manifest.files).toContain(`${NS}/Secret.core/db-credentials.yaml`);
    expect(manifest.files).toContain(`${NS}/Deployment.apps/shopfront.yaml`);
    const backed = (await loadBackup(dir)).objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(backed).toEqual(userObjects);
    expect(manifest.skipped.ReplicaSet).toBe(1);
    expect(manifest.skipped.Pod).toBeGreaterThanOrEqual(2);
    expect(manifest.skipped.ServiceAccount).toBe(1); // default
    expect(manifest.skipped.ConfigMap).toBe(1); // kube-root-ca.crt
    // Generated fields are gone from what was written.
    const svc = readFileSync(join(dir, NS, 'Service.core', 'shopfront.yaml'), 'utf8');
    expect(svc).not.toMatch(/clusterIP|uid:|resourceVersion|creationTimestamp|managedFields/);
    expect(readFileSync(join(dir, NS, 'Deployment.apps', 'shopfront.yaml'), 'utf8')).not.toMatch(/last-applied-configuration|deployment.kubernetes.io\/revision|status:/);

    const b = await cli(['backup', 'create', '--namespace', NS, '--out', tarball, '--key-file', keyFile]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/Backed up 14 objects/);
    expect(statSync(tarball).size).toBeGreaterThan(0);
    expect((await cli(['backup', 'create', '--namespace', NS, '--out', tarball, '--key-file', keyFile])).stderr).toMatch(/already exists[\s\S]*--force/);

    // The Secret's value is in no file (plain or base64), but the right key opens it.
    for (const file of [...filesUnder(dir), tarball]) {
      const bytes = readFileSync(file).toString('latin1');
      expect(bytes.includes(SECRET_VALUE) || bytes.includes(SECRET_B64), file).toBe(false);
    }
    const sealed = (await loadBackup(dir)).objects.find((o) => o.kind === 'Secret')! as Record<string, unknown>;
    const parsed = sealedSchema.parse(sealed[SEALED_FIELD]);
    expect(openSecretValues(parsed, new KeyRing(readFileSync(keyFile)).keyFor(parsed.kdf), NS, 'db-credentials').data?.password).toBe(SECRET_B64);
  });

  it('leaves Secrets out in exclude mode, listing them by name', async () => {
    const r = await cli(['backup', 'create', '--namespace', NS, '--out', excluded, '--secrets', 'exclude', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const manifest = manifestSchema.parse(JSON.parse(readFileSync(join(excluded, 'backup.json'), 'utf8')));
    expect(manifest.files.some((f) => f.includes('/Secret.'))).toBe(false);
    expect(filesUnder(excluded).some((f) => f.includes('Secret.core'))).toBe(false);
    expect(manifest.excluded).toEqual([{ namespace: NS, kind: 'Secret', name: 'db-credentials', reason: '--secrets exclude' }]);
  });

  it('deletes the namespace, dry-runs (nothing created), refuses a wrong key, then restores every object', async () => {
    const before = new Map<string, KubeObject>();
    for (const o of (await loadBackup(dir)).objects) before.set(`${o.kind}/${o.metadata.name}`, o);
    await k(['delete', 'namespace', NS, '--wait=true', '--timeout=180s']);
    await waitFor('the namespace to be gone', namespaceGone, 180_000, 1000);

    const dry = await cli(['backup', 'restore', dir, '--key-file', keyFile, '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const dryReport = JSON.parse(dry.stdout) as { applied: boolean; rows: Array<{ kind: string; name: string; exists: boolean; dryRun: string; policy: string }> };
    expect(dryReport.rows.map((r) => `${r.kind}/${r.name}`).sort()).toEqual(userObjects);
    expect(dryReport.rows[0]).toMatchObject({ kind: 'Namespace', exists: false, dryRun: 'ok (would create)' });
    expect(dryReport.rows.find((r) => r.kind === 'Secret')?.policy).toBe('require-approval');
    expect(await namespaceGone()).toBe(true);

    // Read-only (the default) refuses to apply, before reading anything.
    const readOnly = await runCli(['backup', 'restore', tarball, '--key-file', keyFile, '--apply'], { ...env(), K8S_EXPERTS_EXECUTION_MODE: 'read-only' }, 60_000);
    expect(readOnly.code).not.toBe(0);
    expect(readOnly.stderr).toMatch(/execution.mode is read-only: a restore is applied only in mode execute/);
    expect(await namespaceGone()).toBe(true);

    const wrong = await cli(['backup', 'restore', tarball, '--key-file', wrongKeyFile, '--apply']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/the key does not decrypt Secret bkp-h6-app\/db-credentials/);
    expect(await namespaceGone()).toBe(true);
    const noKey = await cli(['backup', 'restore', tarball, '--apply']);
    expect(noKey.stderr).toMatch(/encrypted Secret.*no key was given/);
    expect(await namespaceGone()).toBe(true);

    const restored = await cli(['backup', 'restore', tarball, '--key-file', keyFile, '--apply']);
    expect(restored.code, `${restored.stdout}\n${restored.stderr}`).toBe(0);
    expect(restored.stdout).toMatch(/Restored 14 objects/);
    // Applied in dependency order: the table lists the rows in the order they were applied.
    const order = restored.stdout.split('\n').slice(1).map((l) => l.split(/\s+/)[0]).filter((kind) => kind && /^[A-Z]/.test(kind) && !kind.startsWith('Restored'));
    expect(order.slice(0, 5)).toEqual(['Namespace', 'ServiceAccount', 'Secret', 'ConfigMap', 'PersistentVolumeClaim']);
    expect(order.indexOf('Deployment')).toBeLessThan(order.indexOf('HorizontalPodAutoscaler'));

    // Object by object: what was backed up is what the cluster holds now.
    for (const [id, want] of before) {
      const got = stripObject(await live(want));
      expect(got.metadata.labels ?? {}, id).toEqual(want.metadata.labels ?? {});
      if (want.kind !== 'Namespace') expect(got.metadata.annotations ?? {}, id).toEqual(want.metadata.annotations ?? {});
      if (want.kind === 'Secret') {
        expect((got as { data?: Record<string, string> }).data).toEqual({ password: SECRET_B64, user: Buffer.from('shop').toString('base64') });
        continue;
      }
      const { metadata: _m, ...wantBody } = want;
      const { metadata: _g, ...gotBody } = got;
      expect(contains(gotBody, wantBody), id).toEqual([]);
    }
    const cm = await live(before.get('ConfigMap/shopfront-config')!);
    expect((cm as { data?: unknown }).data).toEqual({ 'app.properties': 'color=blue\nsize=3\n', MODE: 'production' });
    expect((await live(before.get('Namespace/bkp-h6-app')!)).metadata.annotations?.['example.com/owner']).toBe('h6');

    // Every apply is in the audit log, and the Secret's value is not.
    const audit = await cli(['audit', 'list', '--agent', 'admin', '--action', 'execution', '--json', '--limit', '100']);
    const entries = JSON.parse(audit.stdout) as Array<{ subject: string; outcome: string }>;
    expect(entries.filter((e) => e.outcome === 'created').map((e) => e.subject)).toHaveLength(14);
    expect(entries.map((e) => e.subject)).toContain('apply Secret bkp-h6-app/db-credentials');
  }, 600_000);

  it('a restore of existing objects reports them as updates', async () => {
    const r = await cli(['backup', 'restore', dir, '--key-file', keyFile, '--json']);
    const report = JSON.parse(r.stdout) as { rows: Array<{ exists: boolean; dryRun: string }> };
    expect(report.rows.every((row) => row.exists && row.dryRun === 'ok (exists: would update)')).toBe(true);
  });

  it('stops before any write when the guardian policy forbids an object', async () => {
    const policyFile = join(work, 'policy.yaml');
    writeFileSync(policyFile, stringify({ apiVersion: 'k8s-experts.io/v1', kind: 'GuardianPolicy', rules: [{ id: 'no-roles', effect: 'deny', type: 'match', kinds: ['Role'], description: 'No Role writes here' }] }));
    // A live edit the restore would revert if it wrote anything.
    await k(['patch', 'configmap', 'shopfront-config', '-n', NS, '--type', 'merge', '-p', '{"data":{"MODE":"edited"}}']);
    const r = await runCli(['backup', 'restore', dir, '--key-file', keyFile, '--apply'], { ...env(), K8S_EXPERTS_POLICY_FILE: policyFile }, 180_000);
    outputs.push(r.stdout, r.stderr);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Stopped: the guardian policy forbids 1 object \(Role bkp-h6-app\/config-reader\): nothing was applied/);
    expect(r.stdout).toMatch(/Role\s+bkp-h6-app\s+config-reader\s+yes\s+deny/);
    expect(JSON.parse((await k(['get', 'configmap', 'shopfront-config', '-n', NS, '-o', 'json'])).stdout).data.MODE).toBe('edited');
  });

  it('never printed the Secret value', () => {
    const all = outputs.join('\n');
    expect(all).not.toContain(SECRET_VALUE);
    expect(all).not.toContain(SECRET_B64);
  });
});
