import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { certificateReport, renderCertificateReport } from '../../agents/admin/certificates.js';
import { API_DEPRECATIONS, deprecationOf, statusAt, targetMinor } from '../../agents/admin/deprecations-catalog.js';
import { findDeprecatedApis } from '../../agents/admin/deprecations.js';
import { liveDeprecations } from '../../agents/admin/deprecations-live.js';
import { CLUSTER_KINDS, type ClusterFacts, detectClusterKind, etcdGuidance, renderEtcdGuidance } from '../../agents/admin/etcd.js';
import { judgeComponent, imageTag, skewReport } from '../../agents/admin/skew.js';
import { REMOVED_APIS } from '../../agents/admin/upgrade.js';
import { readManifestDocuments, registerDeprecationsCommand, runDeprecations } from '../../cli/commands/deprecations.js';
import { UserError } from '../../shared/errors.js';
import { certificateInfo, certificatesIn, certManagerEntries, certSeverity, isLoopbackHost, secretCertificates } from '../../mcp-servers/kubernetes/tools/certificates.js';
import { writersOf } from '../../mcp-servers/kubernetes/format.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'deprecated-manifests');

describe('deprecation catalog (the deprecation guide)', () => {
  it('knows the guide\'s removals through v1.32 and the deprecated-but-served v1 Endpoints', () => {
    expect(deprecationOf('flowcontrol.apiserver.k8s.io/v1beta3', 'FlowSchema')).toMatchObject({ removedIn: 32, replacement: 'flowcontrol.apiserver.k8s.io/v1' });
    expect(deprecationOf('extensions/v1beta1', 'Ingress')).toMatchObject({ removedIn: 22, replacement: 'networking.k8s.io/v1' });
    expect(deprecationOf('extensions/v1beta1', 'Deployment')).toMatchObject({ removedIn: 16, replacement: 'apps/v1' });
    expect(deprecationOf('v1', 'Endpoints')).toMatchObject({ removedIn: null, deprecatedIn: 33 });
    expect(deprecationOf('apps/v1', 'Deployment')).toBeUndefined();
    expect(statusAt(deprecationOf('v1', 'Endpoints')!, 34)).toBe('deprecated');
    expect(statusAt(deprecationOf('v1', 'Endpoints')!, 32)).toBe('current');
    expect(statusAt(deprecationOf('batch/v1beta1', 'CronJob')!, 24)).toBe('deprecated');
    expect(statusAt(deprecationOf('batch/v1beta1', 'CronJob')!, 25)).toBe('removed');
    expect(targetMinor('v1.36')).toBe(36);
    expect(targetMinor('1.35.2')).toBe(35);
    expect(targetMinor('2.0')).toBeUndefined();
    // upgrade.ts's REMOVED_APIS is derived from the catalog: every removed entry, grouped.
    expect(REMOVED_APIS.flatMap((r) => r.kinds).length).toBe(API_DEPRECATIONS.filter((d) => d.removedIn !== null).length);
    expect(REMOVED_APIS[0]).toMatchObject({ apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', removedIn: 32 });
  });
});

describe('deprecated APIs in manifests (pure)', () => {
  const docs = (...values: unknown[]) => values.map((value, i) => ({ file: 'x.yaml', document: i + 1, line: i * 10 + 1, value }));

  it('flags removed and deprecated apiVersions, List items too, and skips current ones', () => {
    const found = findDeprecatedApis(
      docs(
        { apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'c', namespace: 'n' }, spec: { schedule: '* * * * *' } },
        { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e' } }, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ok' } }] },
        'not an object',
      ),
      36,
    );
    expect(found.map((f) => [f.kind, f.status, f.removedIn, f.line])).toEqual([
      ['CronJob', 'removed', 'v1.25', 1],
      ['Endpoints', 'deprecated', null, 11],
    ]);
    expect(parse(found[0]!.fixed!)).toMatchObject({ apiVersion: 'batch/v1', kind: 'CronJob', spec: { schedule: '* * * * *' } });
    expect(found[1]!.fixed).toBeUndefined(); // Endpoints → EndpointSlice is not mechanical
  });

  it('converts extensions/v1beta1 Deployments to apps/v1 with a selector from the template labels', () => {
    const [f] = findDeprecatedApis(docs({ apiVersion: 'extensions/v1beta1', kind: 'Deployment', metadata: { name: 'd' }, spec: { rollbackTo: { revision: 1 }, template: { metadata: { labels: { app: 'd' } } } } }), 35);
    const fixed = parse(f!.fixed!) as { apiVersion: string; spec: Record<string, unknown> };
    expect(fixed.apiVersion).toBe('apps/v1');
    expect(fixed.spec.selector).toEqual({ matchLabels: { app: 'd' } });
    expect(fixed.spec.rollbackTo).toBeUndefined();
    // No template labels: no selector can be derived, so no fixed snippet.
    expect(findDeprecatedApis(docs({ apiVersion: 'apps/v1beta2', kind: 'StatefulSet', metadata: { name: 's' }, spec: {} }), 35)[0]!.fixed).toBeUndefined();
  });

  it('converts v1beta1 Ingress backends to networking.k8s.io/v1', () => {
    const [f] = findDeprecatedApis(
      docs({ apiVersion: 'networking.k8s.io/v1beta1', kind: 'Ingress', metadata: { name: 'i' }, spec: { backend: { serviceName: 'web', servicePort: 80 }, rules: [{ http: { paths: [{ path: '/', backend: { serviceName: 'web', servicePort: 'http' } }] } }] } }),
      35,
    );
    expect(parse(f!.fixed!)).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'i' },
      spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } }, rules: [{ http: { paths: [{ pathType: 'ImplementationSpecific', path: '/', backend: { service: { name: 'web', port: { name: 'http' } } } }] } }] },
    });
  });

  it('renames flowcontrol v1beta2 assuredConcurrencyShares', () => {
    const [f] = findDeprecatedApis(docs({ apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2', kind: 'PriorityLevelConfiguration', metadata: { name: 'p' }, spec: { type: 'Limited', limited: { assuredConcurrencyShares: 5 } } }), 35);
    expect(parse(f!.fixed!)).toMatchObject({ apiVersion: 'flowcontrol.apiserver.k8s.io/v1', spec: { limited: { nominalConcurrencyShares: 5 } } });
  });

  it('reads fixture files with the line each document starts on', () => {
    const documents = readManifestDocuments(join(FIX, 'removed', 'apps-and-ingress.yaml'));
    expect(documents.map((d) => [d.document, d.line])).toEqual([
      [1, 2],
      [2, 20],
    ]);
  });
});

/** Runs `k8s-experts deprecations …` in process: what it printed and the exit code it set. */
async function deprecations(args: string[]): Promise<{ out: string; exitCode: number }> {
  const program = new Command('k8s-experts').exitOverride();
  registerDeprecationsCommand(program);
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'k8s-experts', 'deprecations', ...args]);
    return { out: lines.join('\n'), exitCode: typeof process.exitCode === 'number' ? process.exitCode : 0 };
  } finally {
    process.exitCode = before;
    log.mockRestore();
  }
}

describe('k8s-experts deprecations (CLI)', () => {
  it('finds every removed apiVersion of the fixtures, exits 1, and prints fixed snippets', async () => {
    const { out, exitCode } = await deprecations([join(FIX, 'removed'), '--target', 'v1.36', '--json']);
    expect(exitCode).toBe(1);
    const r = JSON.parse(out) as { target: string; removed: number; findings: Array<{ kind: string; apiVersion: string; status: string; removedIn: string; replacement: string; line: number; file: string; fixed?: string }> };
    expect(r.target).toBe('v1.36');
    expect(r.findings.map((f) => `${f.kind} ${f.apiVersion} ${f.removedIn}`).sort()).toEqual([
      'CronJob batch/v1beta1 v1.25',
      'Deployment extensions/v1beta1 v1.16',
      'FlowSchema flowcontrol.apiserver.k8s.io/v1beta3 v1.32',
      'HorizontalPodAutoscaler autoscaling/v2beta2 v1.26',
      'Ingress extensions/v1beta1 v1.22',
      'PodDisruptionBudget policy/v1beta1 v1.25',
    ]);
    expect(r.removed).toBe(6);
    expect(r.findings.every((f) => f.status === 'removed' && typeof f.line === 'number' && f.fixed)).toBe(true);
    const hpa = r.findings.find((f) => f.kind === 'HorizontalPodAutoscaler')!;
    expect(hpa.file).toMatch(/policy-batch-autoscaling\.yaml$/);
    expect(hpa.line).toBe(29);
    expect(parse(hpa.fixed!)).toMatchObject({ apiVersion: 'autoscaling/v2', spec: { maxReplicas: 5 } });
    const text = await deprecations([join(FIX, 'removed')]);
    expect(text.out).toMatch(/checked for v1\.35: 6 removed, 0 deprecated/);
    expect(text.out).toMatch(/--- fixed Ingress legacy-web/);
    expect(text.out).toContain('pathType: ImplementationSpecific');
  });

  it('a clean directory exits 0', async () => {
    const { out, exitCode } = await deprecations([join(FIX, 'clean')]);
    expect(exitCode).toBe(0);
    expect(out).toMatch(/3 document\(s\) in 1 file\(s\) checked for v1\.35: 0 removed, 0 deprecated/);
  });

  it('bad input is a user error with exit code 2', () => {
    const bad = (paths: string[], target = 'v1.35') => {
      try {
        runDeprecations(paths, target);
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return e as UserError;
      }
      throw new Error('expected a UserError');
    };
    expect(bad([join(FIX, 'bad')])).toMatchObject({ exitCode: 2, message: expect.stringMatching(/broken\.yaml: document 1.*not valid YAML/) });
    expect(bad([join(FIX, 'nope')])).toMatchObject({ exitCode: 2, message: expect.stringMatching(/no such file/) });
    expect(bad([join(FIX, 'clean')], 'latest')).toMatchObject({ exitCode: 2, message: expect.stringMatching(/--target "latest"/) });
    expect(bad([])).toMatchObject({ exitCode: 2 });
  });
});

describe('live deprecated-API use (pure)', () => {
  const obj = (kind: string, name: string, apiVersions: Array<[string, string]>, lastApplied: string | null = null) => ({
    kind,
    namespace: 'shop',
    name,
    managedFields: apiVersions.map(([manager, apiVersion]) => ({ manager, operation: 'Update', apiVersion, time: null })),
    lastAppliedApiVersion: lastApplied,
  });

  it('names the writer and the status against current and target', () => {
    const live = liveDeprecations(
      [
        obj('Deployment', 'web', [['kubectl-client-side-apply', 'apps/v1']], 'extensions/v1beta1'),
        obj('Endpoints', 'web', [['kube-controller-manager', 'v1']]),
        obj('Endpoints', 'manual', [['my-operator', 'v1']]),
        obj('Ingress', 'ok', [['kubectl', 'networking.k8s.io/v1']]),
      ],
      34,
      36,
    );
    expect(live).toEqual([
      { kind: 'Endpoints', apiVersion: 'v1', status: 'deprecated', removedIn: null, replacement: 'discovery.k8s.io/v1', objects: ['shop/manual via my-operator'] },
      { kind: 'Deployment', apiVersion: 'extensions/v1beta1', status: 'removed-already', removedIn: 'v1.16', replacement: 'apps/v1', objects: ['shop/web via last-applied manifest'] },
    ]);
    // Served now, gone in the target: the status that blocks.
    expect(liveDeprecations([obj('CronJob', 'c', [['helm', 'batch/v1beta1']])], 24, 25)[0]).toMatchObject({ status: 'removed-by-target', removedIn: 'v1.25' });
  });

  it('writersOf keeps manager/operation/apiVersion/time and only the apiVersion of last-applied (which can hold Secret data)', () => {
    const w = writersOf({
      creationTimestamp: '2025-12-31T00:00:00Z',
      managedFields: [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }],
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"v1","kind":"Secret","data":{"password":"c2VjcmV0"}}' },
    });
    expect(w).toEqual({ createdAt: '2025-12-31T00:00:00Z', managedFields: [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2026-01-01T00:00:00Z' }], lastAppliedApiVersion: 'v1' });
    expect(JSON.stringify(w)).not.toContain('c2VjcmV0');
    expect(writersOf({ annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'not json' } })).toEqual({ createdAt: null, managedFields: [], lastAppliedApiVersion: null });
  });
});

describe('component skew (the official policy, one rule each)', () => {
  const api = 'v1.34.4';
  const j = (component: Parameters<typeof judgeComponent>[0]['component'], version: string | undefined, kubelet?: string) => judgeComponent({ component, instance: 'x', version, source: 's', kubelet }, api);

  it('kubelet: not newer, up to 3 minors older (2 before v1.28)', () => {
    expect(j('kubelet', 'v1.31.0').status).toBe('ok');
    expect(j('kubelet', 'v1.30.9')).toMatchObject({ status: 'violation', problem: expect.stringMatching(/4 minors older.*at most 3/) });
    expect(j('kubelet', 'v1.35.0')).toMatchObject({ status: 'violation', problem: expect.stringMatching(/newer/) });
    expect(judgeComponent({ component: 'kubelet', instance: 'x', version: 'v1.24.0', source: 's' }, 'v1.27.1')).toMatchObject({ status: 'violation', problem: expect.stringMatching(/at most 2/) });
  });

  it('kube-proxy: like the kubelet against the API server, and within 3 minors of its kubelet', () => {
    expect(j('kube-proxy', 'v1.31.2', 'v1.34.4').status).toBe('ok');
    expect(j('kube-proxy', 'v1.35.0', 'v1.34.4').status).toBe('violation');
    expect(j('kube-proxy', 'v1.30.0', 'v1.34.4').status).toBe('violation');
  });

  it('controller-manager, scheduler, cloud-controller-manager: not newer, at most 1 older', () => {
    for (const c of ['kube-controller-manager', 'kube-scheduler', 'cloud-controller-manager'] as const) {
      expect(j(c, 'v1.33.0').status).toBe('ok');
      expect(j(c, 'v1.32.0').status).toBe('violation');
      expect(j(c, 'v1.35.0').status).toBe('violation');
    }
  });

  it('kubectl: ±1 minor; etcd: reported, not judged; unseen components are "not visible"', () => {
    expect(j('kubectl', 'v1.35.1').status).toBe('ok');
    expect(j('kubectl', 'v1.33.0').status).toBe('ok');
    expect(j('kubectl', 'v1.36.0').status).toBe('violation');
    expect(j('kubectl', 'v1.32.0').status).toBe('violation');
    expect(j('etcd', '3.6.4-0').status).toBe('info');
    expect(j('kube-scheduler', undefined)).toMatchObject({ status: 'not-visible' });
    const r = skewReport(api, [
      { component: 'kubelet', instance: 'n1', version: 'v1.34.4', source: 's' },
      { component: 'kube-scheduler', instance: 'control plane', version: undefined, source: 'host process' },
      { component: 'kube-controller-manager', instance: 'kcm', version: 'v1.32.0', source: 'pod' },
    ]);
    expect(r).toMatchObject({ ok: false, violations: 1, notVisible: ['kube-scheduler'] });
    expect(r.summary).toMatch(/not visible from the API: kube-scheduler/);
    expect(imageTag('registry.k8s.io/kube-scheduler:v1.34.4')).toBe('v1.34.4');
    expect(imageTag('localhost:5000/etcd:3.6.4-0')).toBe('3.6.4-0');
    expect(imageTag('registry.k8s.io/pause')).toBeUndefined();
  });
});

describe('etcd backup guidance (one case per kind of cluster)', () => {
  const node = (o: { labels?: Record<string, string>; annotations?: Record<string, string>; providerID?: string; kubelet?: string } = {}) => ({
    metadata: { name: 'n1', labels: o.labels ?? {}, annotations: o.annotations ?? {} },
    spec: o.providerID ? { providerID: o.providerID } : {},
    status: { nodeInfo: { kubeletVersion: o.kubelet ?? 'v1.34.4' } },
  });
  const facts = (f: Partial<ClusterFacts>): ClusterFacts => ({ nodes: [node()], kubeSystemPods: [], apiGroups: ['apps'], ...f });
  const cases: Array<[string, ClusterFacts, string, boolean, RegExp]> = [
    ['kwok demo', facts({ nodes: [node({ labels: { type: 'kwok' }, annotations: { 'kwok.x-k8s.io/node': 'fake' } })], apiGroups: ['kwok.x-k8s.io'] }), 'kwok', true, /127\.0\.0\.1/],
    ['kind', facts({ nodes: [node({ providerID: 'kind://docker/kind/kind-control-plane' })], kubeSystemPods: [{ name: 'etcd-kind-control-plane', labels: { component: 'etcd', tier: 'control-plane' } }] }), 'kind', true, /docker exec/],
    ['kubeadm', facts({ kubeSystemPods: [{ name: 'etcd-cp1', labels: { component: 'etcd', tier: 'control-plane' } }] }), 'kubeadm', true, /\/etc\/kubernetes\/pki\/etcd\/server\.key/],
    ['k3s', facts({ apiServerVersion: 'v1.34.4+k3s1', nodes: [node({ kubelet: 'v1.34.4+k3s1' })] }), 'k3s', true, /k3s etcd-snapshot save/],
    ['rke2', facts({ nodes: [node({ kubelet: 'v1.34.4+rke2r1' })] }), 'rke2', true, /rke2 etcd-snapshot save/],
    ['EKS', facts({ apiServerVersion: 'v1.34.2-eks-b707fbb', nodes: [node({ providerID: 'aws:///eu-west-1a/i-0abc', labels: { 'eks.amazonaws.com/nodegroup': 'ng' } })] }), 'eks', false, /velero backup create/],
    ['GKE', facts({ nodes: [node({ kubelet: 'v1.34.1-gke.1000', labels: { 'cloud.google.com/gke-nodepool': 'pool' } })] }), 'gke', false, /k8s-experts backup/],
    ['AKS', facts({ nodes: [node({ providerID: 'azure:///subscriptions/x/resourceGroups/mc/providers/Microsoft.Compute/virtualMachineScaleSets/aks-pool-1/virtualMachines/0', labels: { 'kubernetes.azure.com/cluster': 'mc' } })] }), 'aks', false, /cannot be reached/],
    ['OpenShift', facts({ apiGroups: ['config.openshift.io', 'route.openshift.io'] }), 'openshift', true, /cluster-backup\.sh/],
    ['other', facts({ nodes: [node({ providerID: 'aws:///eu-west-1a/i-0abc' })] }), 'other', false, /could not be recognised/],
  ];
  for (const [label, f, kind, accessible, procedure] of cases) {
    it(`${label} → ${kind}`, () => {
      const d = detectClusterKind(f);
      expect(d.kind).toBe(kind);
      expect(d.evidence.length).toBeGreaterThan(0);
      const g = etcdGuidance(d);
      expect(g.etcdAccessible).toBe(accessible);
      expect(g.restore.length).toBeGreaterThan(0);
      expect(renderEtcdGuidance(g)).toMatch(procedure);
    });
  }
  it('covers every kind it names', () => {
    expect(new Set(cases.map((c) => c[2]))).toEqual(new Set(CLUSTER_KINDS));
  });
});

describe('certificates (server-side parsing, metadata only)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8sx-certs-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'ignore'] });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '365', '-subj', '/CN=unit-ca');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=leaf.unit.test', '-addext', 'subjectAltName=DNS:leaf.unit.test');
  ssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', '7', '-days', '5', '-copy_extensions', 'copy', '-out', 'leaf.crt');
  const ca = readFileSync(join(dir, 'ca.crt'), 'utf8');
  const leaf = readFileSync(join(dir, 'leaf.crt'), 'utf8');
  const key = readFileSync(join(dir, 'leaf.key'), 'utf8');

  it('severity: expired critical, <7d high, <30d medium', () => {
    expect([-1, 0, 6, 7, 29, 30].map(certSeverity)).toEqual(['critical', 'high', 'high', 'medium', 'medium', 'ok']);
  });

  it('reads subject, issuer, SANs, days left, self-signed and CA; never the PEM', () => {
    const info = certificateInfo(new X509Certificate(leaf));
    expect(info).toMatchObject({ subject: 'CN=leaf.unit.test', issuer: 'CN=unit-ca', sans: ['DNS:leaf.unit.test'], selfSigned: false, isCA: false, severity: 'high' });
    expect(info.daysLeft).toBeGreaterThanOrEqual(4);
    expect(certificateInfo(new X509Certificate(ca))).toMatchObject({ selfSigned: true, isCA: true, severity: 'ok' });
    const chain = certificatesIn(`${leaf}\n${ca}`);
    expect(chain.certificates.map((c) => c.subject)).toEqual(['CN=leaf.unit.test', 'CN=unit-ca']);
    expect(certificatesIn(key).certificates).toEqual([]); // a private key is not even parsed
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    const entries = secretCertificates([
      { metadata: { namespace: 'n', name: 'tls' }, type: 'kubernetes.io/tls', data: { 'tls.crt': b64(`${leaf}${ca}`), 'tls.key': b64(key) } },
      { metadata: { namespace: 'n', name: 'opaque' }, type: 'Opaque', data: { 'ca.pem': b64(ca), password: b64('hunter2') } },
      { metadata: { namespace: 'n', name: 'broken' }, type: 'kubernetes.io/tls', data: { 'tls.crt': b64('nope') } },
    ]);
    expect(entries.map((e) => [e.name, e.key, e.severity, e.chainLength])).toEqual([
      ['tls', 'tls.crt', 'high', 2],
      ['opaque', 'ca.pem', 'ok', 1],
      ['broken', 'tls.crt', 'unknown', null],
    ]);
    const out = JSON.stringify(entries);
    expect(out).not.toMatch(/BEGIN|PRIVATE KEY|hunter2/);
    expect(out).not.toContain(leaf.split('\n')[1]!);
  });

  it('cert-manager status, loopback check and the report', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const cm = certManagerEntries([{ metadata: { namespace: 'n', name: 'web' }, spec: { secretName: 'web-tls', dnsNames: ['web.example'], issuerRef: { kind: 'ClusterIssuer', name: 'le' } }, status: { notAfter: '2026-01-20T00:00:00Z', renewalTime: '2026-01-10T00:00:00Z', conditions: [{ type: 'Ready', status: 'True' }] } }], now);
    expect(cm[0]).toMatchObject({ source: 'cert-manager', daysLeft: 19, severity: 'medium', ready: true, renewalTime: '2026-01-10T00:00:00Z', sans: ['DNS:web.example'] });
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
    expect(isLoopbackHost('kubernetes.example.com')).toBe(false);
    const report = certificateReport([...cm, { source: 'secret', namespace: 'n', name: 'old', key: 'tls.crt', subject: 'CN=old', issuer: 'CN=ca', sans: [], notAfter: '2025-12-01T00:00:00Z', daysLeft: -31, selfSigned: false, isCA: false, severity: 'critical', problem: null }]);
    expect(report.counts).toMatchObject({ critical: 1, medium: 1 });
    expect(renderCertificateReport(report)).toMatch(/\[critical\] Secret n\/old \(tls\.crt\): expired 31 day\(s\) ago/);
  });
});
