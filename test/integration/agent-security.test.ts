import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskState } from '@a2a-js/sdk';
import { type Client as A2AClient } from '@a2a-js/sdk/client';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { askCompleted, sendRequest, serveForTest } from '../helpers/a2a.js';
import { createSecurityAgent } from '../../agents/security/index.js';
import { messageText } from '../../shared/a2a/parts.js';
import { type RunningAgent } from '../../shared/a2a/serve.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { call, kubernetesClient } from '../helpers/mcp.js';
import { kubectl } from '../../tools/cluster/exec.js';

const logger = createLogger({ level: 'silent' });
let kube: Client;
let agent: RunningAgent;
let client: A2AClient;
/** A second agent whose config carries security.allowedRegistries. */
let listed: RunningAgent;
let listedClient: A2AClient;

beforeAll(async () => {
  kube = await kubernetesClient(inject('kubeconfig'));
  const dir = mkdtempSync(join(tmpdir(), 'k8sx-sec-'));
  const config = loadConfig({ env: { K8S_EXPERTS_DATA_DIR: join(dir, 'data') }, cwd: dir });
  const def = createSecurityAgent({ config, logger, mcp: { kubernetes: kube } });
  expect(def.mcpServers).toEqual(['kubernetes']);
  ({ agent, client } = await serveForTest(def, config, logger));
  // shared/config.ts may not declare the section yet: the agent reads it as untyped data, so pass it alongside.
  const withAllowList = Object.assign({}, config, { security: { allowedRegistries: ['ghcr.io', 'Registry.Example.com:5000'] } });
  ({ agent: listed, client: listedClient } = await serveForTest(createSecurityAgent({ config: withAllowList, logger, mcp: { kubernetes: kube } }), config, logger));
});

/** A namespace of our own with a partial NetworkPolicy, a RoleBinding to its default ServiceAccount and an exec Role. */
const NS = `sec-h2-${process.pid}-${Date.now().toString(36)}`;
/** A namespace for the availability and hygiene checks: two replicas without a PDB that covers them, a PDB that blocks drains, an Ingress without TLS. */
const AVAIL_NS = `sec-h2-avail-${process.pid}-${Date.now().toString(36)}`;
const AVAIL = `apiVersion: v1
kind: Namespace
metadata: { name: ${AVAIL_NS} }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: ${AVAIL_NS} }
spec:
  replicas: 2
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers: [{ name: api, image: registry.k8s.io/pause:3.10 }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: solo, namespace: ${AVAIL_NS}, labels: { app.kubernetes.io/name: solo } }
spec:
  replicas: 1
  selector: { matchLabels: { app: solo } }
  template:
    metadata: { labels: { app: solo } }
    spec:
      automountServiceAccountToken: false
      containers:
        - name: solo
          image: registry.k8s.io/pause:3.10
          imagePullPolicy: Always
          securityContext: { readOnlyRootFilesystem: true }
          livenessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 30 }
          readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 30 }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: frozen, namespace: ${AVAIL_NS} }
spec:
  maxUnavailable: 0
  selector: { matchLabels: { app: solo } }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: ${AVAIL_NS} }
spec:
  rules:
    - host: api.sec-h2.example
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: api, port: { number: 80 } } } }] }
`;
const OWN_SECRET = 'own-Sup3rS3cret-value';
const k = (args: string[], input?: string) => kubectl(inject('kubectl'), inject('kubeconfig'), args, input);
const OWN = `apiVersion: v1
kind: Namespace
metadata: { name: ${NS} }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db-only, namespace: ${NS} }
spec:
  podSelector: { matchLabels: { app: db } }
  ingress: [{ from: [{ podSelector: {} }] }]
---
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: ${NS}, labels: { app: web }, annotations: { example.com/api-token: "${OWN_SECRET}-annotation" } }
spec:
  containers: [{ name: web, image: registry.k8s.io/pause:3.10 }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: debugger, namespace: ${NS} }
rules: [{ apiGroups: [""], resources: [pods, pods/exec], verbs: [get, create] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: default-view, namespace: ${NS} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
subjects: [{ kind: ServiceAccount, name: default, namespace: ${NS} }]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: app-config, namespace: ${NS} }
data: { DB_PASSWORD: "${OWN_SECRET}-configmap", LOG_LEVEL: info }
`;

afterAll(async () => {
  await k(['delete', 'namespace', NS, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  await k(['delete', 'namespace', AVAIL_NS, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  await listed?.close();
  await agent?.close();
  await kube?.close();
});

const ask = (text: string, data?: unknown) => askCompleted(client, text, data);

interface FindingData {
  severity: string;
  check: string;
  object: { kind: string; name: string; namespace?: string };
  evidence: string;
  fix: string;
}

const SECRET = 'hunter2-Sup3rS3cret';
const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: nginx:latest
          securityContext:
            privileged: true
          env:
            - name: DB_PASSWORD
              value: "${SECRET}"
            - name: DB_HOST
              value: postgres
`;

describe('security agent over A2A on the demo cluster', () => {
  it('serves its card with the skills of cards/security.json', async () => {
    expect((await client.getAgentCard()).skills.map((s) => s.id)).toEqual(['posture-report', 'review-manifest']);
  });

  it('a posture report of the cluster: real findings from the demo workloads, namespaces and RBAC', async () => {
    const { text, data } = await ask('Give me a security report of the cluster');
    expect(data.skill).toBe('posture-report');
    const findings = data.findings as FindingData[];
    const of = (check: string) => findings.filter((f) => f.check === check);
    // The demo workloads set no securityContext: runAsNonRoot findings, reported per workload.
    const nonRoot = of('pss-restricted-run-as-non-root').map((f) => `${f.object.kind} ${f.object.namespace}/${f.object.name}`);
    expect(nonRoot).toEqual(expect.arrayContaining(['Deployment shop/cart', 'StatefulSet shop/postgres', 'Deployment payments/payments-api', 'Deployment default/hello']));
    expect(new Set(nonRoot).size).toBe(nonRoot.length);
    // The CronJob has no pod now; its template is checked.
    expect(nonRoot).toContain('CronJob data/nightly-report');
    // Limits, compared with the live objects: cart has a memory limit but no CPU limit, catalog none, frontend both.
    const limits = new Map(of('resource-limits').map((f) => [f.object.name, f]));
    expect(limits.get('catalog')?.evidence).toContain('no cpu or memory limit');
    expect(limits.get('catalog')?.severity).toBe('medium');
    expect(limits.get('cart')?.evidence).toContain('no cpu limit');
    expect(limits.get('cart')?.severity).toBe('low');
    expect(limits.has('frontend')).toBe(false);
    expect(limits.has('payments-gateway')).toBe(false);
    // No NetworkPolicy in the demo's namespaces: each is reported, kube-system is skipped (other tests' namespaces may come and go).
    const DEMO = ['data', 'default', 'payments', 'shop'];
    const netpols = await call(kube, 'k8s_list', { kind: 'networkpolicies', view: 'rows' });
    expect((netpols.structuredContent!.items as Array<{ namespace: string }>).filter((r) => DEMO.includes(r.namespace))).toEqual([]);
    expect(of('network-policy-missing').map((f) => f.object.name).filter((n) => DEMO.includes(n) || n.startsWith('kube-')).sort()).toEqual(DEMO);
    // The built-in cluster-admin binding and its subject.
    const admin = of('rbac-cluster-admin');
    expect(admin.map((f) => f.object.name)).toContain('cluster-admin');
    expect(admin.find((f) => f.object.name === 'cluster-admin')?.evidence).toContain('Group system:masters');
    expect(findings.some((f) => f.object.namespace === 'kube-system')).toBe(false);
    // Every finding carries severity, check, object, evidence and fix; the text is sorted by severity.
    for (const f of findings) expect(f.evidence && f.fix && f.severity && f.check).toBeTruthy();
    expect(text).toMatch(/^Security posture of the cluster: \d+ findings — /);
    expect(text).toContain('[pss-restricted-run-as-non-root] Deployment shop/cart');
    expect(text).toContain('kube-system');
    expect(text.indexOf('MEDIUM')).toBeLessThan(text.indexOf('LOW'));
  });

  it('a namespace of our own: NetworkPolicy gaps, the default ServiceAccount bound, an exec role, and its score', async () => {
    await k(['apply', '-f', '-'], OWN);
    const { text, data } = await ask(`Security report of namespace ${NS}`);
    expect(data.scope).toEqual({ namespace: NS });
    const findings = data.findings as FindingData[];
    const keys = findings.map((f) => `${f.check} ${f.object.kind}/${f.object.name}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        `network-default-deny-missing Namespace/${NS}`,
        'network-pod-unselected Pod/web',
        'rbac-default-service-account RoleBinding/default-view',
        'rbac-pod-exec Role/debugger',
        'pss-restricted-run-as-non-root Pod/web',
        'secret-configmap-key ConfigMap/app-config',
        'secret-annotation-token Pod/web',
      ]),
    );
    // Key names only: the values never leave the agent.
    expect(findings.find((f) => f.check === 'secret-configmap-key')?.evidence).toBe('secret-like key in a ConfigMap: DB_PASSWORD (value not shown)');
    expect(JSON.stringify(data)).not.toContain(OWN_SECRET);
    expect(text).not.toContain(OWN_SECRET);
    expect(keys).not.toContain(`network-policy-missing Namespace/${NS}`);
    const scores = data.scores as Array<{ namespace: string; score: number }>;
    expect(scores).toHaveLength(1);
    expect(scores[0]!.namespace).toBe(NS);
    expect(scores[0]!.score).toBeLessThan(100);
    expect(text).toMatch(new RegExp(`^${NS}\\s+${scores[0]!.score}\\s`, 'm'));
  });

  it('a posture report of one namespace, narrowed to the question', async () => {
    const { text, data } = await ask('Which workloads run as root in the payments namespace?');
    expect(data.scope).toEqual({ namespace: 'payments' });
    const findings = data.findings as FindingData[];
    expect(findings.length).toBeGreaterThan(0);
    expect(new Set(findings.map((f) => f.object.namespace))).toEqual(new Set(['payments']));
    expect(new Set(findings.map((f) => f.check))).toEqual(new Set(['pss-restricted-run-as-non-root']));
    expect(text).toContain('payments/payments-gateway');
  });

  it('who has cluster-admin', async () => {
    const { text, data } = await ask('Who has cluster-admin?');
    const findings = data.findings as FindingData[];
    expect(findings.every((f) => f.check === 'rbac-cluster-admin' || f.check === 'rbac-wildcard')).toBe(true);
    expect(text).toContain('system:masters');
  });

  it('reviews a manifest: privileged, :latest and a DB_PASSWORD literal, without showing the value', async () => {
    const { text, data } = await ask(`Review this deployment for security issues:\n\n${MANIFEST}`);
    expect(data.skill).toBe('review-manifest');
    const checks = (data.findings as FindingData[]).map((f) => f.check);
    expect(checks).toEqual(expect.arrayContaining(['pss-baseline-privileged', 'image-tag', 'secret-env-literal', 'pss-restricted-run-as-non-root', 'resource-limits']));
    const secret = (data.findings as FindingData[]).find((f) => f.check === 'secret-env-literal')!;
    expect(secret.evidence).toContain('DB_PASSWORD');
    expect(secret.evidence).not.toContain('DB_HOST');
    expect(secret.severity).toBe('high');
    expect((data.findings as FindingData[]).find((f) => f.check === 'pss-baseline-privileged')?.severity).toBe('critical');
    expect(text).toContain('nginx:latest');
    expect(text).toMatch(/Not safe to apply/);
    expect(data.safe).toBe(false);
    expect(text).not.toContain(SECRET);
    expect(JSON.stringify(data)).not.toContain(SECRET);
  });

  it('a data part { skill } picks the skill; the manifest may come as a data part', async () => {
    const { data } = await ask('check this please', { skill: 'review-manifest', manifest: MANIFEST });
    expect(data.skill).toBe('review-manifest');
    expect((data.findings as FindingData[]).map((f) => f.check)).toContain('pss-baseline-privileged');
    expect(JSON.stringify(data)).not.toContain(SECRET);
    // The same words without the data part are not a review.
    const { data: report } = await ask('check the shop namespace', { skill: 'posture-report' });
    expect(report.skill).toBe('posture-report');
    expect(report.scope).toEqual({ namespace: 'shop' });
  });

  it('a review with no manifest asks for one', async () => {
    const { text, data } = await ask('Is this manifest safe to apply?');
    expect(data.skill).toBe('review-manifest');
    expect(text).toMatch(/found no Kubernetes manifest/);
  });

  it('an unknown request gets an honest answer naming llm.provider', async () => {
    const { text, data } = await ask('What is the weather in Paris?');
    expect(data).toMatchObject({ skill: null, understood: false, llmProvider: 'none' });
    expect(text).toMatch(/llm\.provider is none/);
  });

  it('workload hygiene and availability on the live cluster, and the registry allow-list from config', async () => {
    await k(['apply', '-f', '-'], AVAIL);
    await k(['-n', AVAIL_NS, 'rollout', 'status', 'deployment/api', 'deployment/solo', '--timeout=120s']).catch(() => undefined);
    const { text, data } = await askCompleted(listedClient, `Security report of namespace ${AVAIL_NS}`);
    expect(data.allowedRegistries).toEqual(['ghcr.io', 'registry.example.com:5000']);
    const findings = data.findings as FindingData[];
    const keys = findings.map((f) => `${f.check} ${f.object.kind}/${f.object.name}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'workload-pdb-missing Deployment/api',
        'workload-spread-missing Deployment/api',
        'workload-single-replica Deployment/solo',
        'pdb-no-disruptions PodDisruptionBudget/frozen',
        'ingress-tls-missing Ingress/web',
        'probe-liveness-missing Deployment/api',
        'probe-readiness-missing Deployment/api',
        'read-only-root-fs Deployment/api',
        'image-pull-policy Deployment/api',
        'service-account-token-automount Deployment/api',
        'label-app-name-missing Deployment/api',
        'image-registry Deployment/api',
      ]),
    );
    // solo sets what api lacks: none of those findings for it, and a single replica needs no PDB or spread.
    for (const check of ['probe-liveness-missing', 'probe-readiness-missing', 'read-only-root-fs', 'image-pull-policy', 'service-account-token-automount', 'label-app-name-missing', 'workload-pdb-missing', 'workload-spread-missing']) {
      expect(keys).not.toContain(`${check} Deployment/solo`);
    }
    expect(findings.find((f) => f.check === 'image-registry' && f.object.name === 'api')?.evidence).toContain('registry registry.k8s.io');
    expect(findings.find((f) => f.check === 'pdb-no-disruptions')?.evidence).toContain('maxUnavailable: 0');
    expect(text).toContain('registry allow-list: ghcr.io, registry.example.com:5000');
    expect(data.inspected).toMatchObject({ workloads: 2, podDisruptionBudgets: 1, ingresses: 1 });

    // Without the allow-list the registry check is off and the report says so.
    const plain = await ask(`Security report of namespace ${AVAIL_NS}`);
    expect((plain.data.findings as FindingData[]).some((f) => f.check === 'image-registry')).toBe(false);
    expect(plain.text).toContain('No registry allow-list is configured (security.allowedRegistries)');

    // A review uses the same allow-list.
    const review = await askCompleted(listedClient, `Review this deployment for security issues:\n\n${MANIFEST}`);
    expect((review.data.findings as FindingData[]).find((f) => f.check === 'image-registry')?.evidence).toContain('registry docker.io');
  });

  it('streams progress for the multi-step posture report', async () => {
    const states: string[] = [];
    const progress: string[] = [];
    for await (const event of client.sendMessageStream(sendRequest('How secure is the shop namespace?'))) {
      const p = event.payload;
      if (p?.$case === 'statusUpdate') {
        states.push(TaskState[p.value.status?.state ?? 0] ?? '?');
        const t = messageText(p.value.status?.message);
        if (t) progress.push(t);
      }
      if (p?.$case === 'artifactUpdate') states.push('artifact');
    }
    expect(states.at(-1)).toBe('TASK_STATE_COMPLETED');
    expect(states.at(-2)).toBe('artifact');
    expect(progress).toEqual(expect.arrayContaining(['Reading namespace shop…', expect.stringMatching(/^Reading \d+ pods…$/), expect.stringMatching(/^Running checks on \d+ pods/)]));
  });
});
