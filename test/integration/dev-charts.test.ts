/**
 * The dev agent's generate-chart workflow against real tools: each request of
 * test/fixtures/chart-requests.yaml becomes a chart that passes helm lint --strict, helm template
 * (real helm through the helm MCP server) and a server-side dry run on the demo cluster, with the
 * rendered objects matching the plan; and the broken charts of test/fixtures/charts/broken-* are
 * healed (or, where nothing can be deduced, reported as unfixed).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { generateChartSkill } from '../../agents/dev/chart/skill.js';
import { validateAndHealChart } from '../../agents/dev/chart/self-heal.js';
import type { ChartFiles } from '../../agents/dev/chart/files.js';
import type { ChartValidation, RenderedObject } from '../../agents/dev/chart/validate.js';
import { helmServerFactory } from '../../mcp-servers/helm/index.js';
import { scanObjects } from '../../agents/security/scan.js';
import { kubectl } from '../../tools/cluster/exec.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { connectInMemory, kubernetesClient, silentLogger, testConfig } from '../helpers/mcp.js';

const NS = 'chart-h3';
const k = (args: string[]) => kubectl(inject('kubectl'), inject('kubeconfig'), args);

interface Expect {
  workload: 'Deployment' | 'StatefulSet';
  kinds: string[];
  absent?: string[];
  replicas?: number;
  ports?: number[];
  serviceType?: string;
  ingress?: { host: string; tls: boolean; className?: string };
  storage?: { size: string; mountPath: string; storageClass?: string };
  hpa?: { min: number; max: number; targetCPU: number };
  pdbMinAvailable?: number;
  probe?: { type: 'http' | 'tcp'; path?: string; port?: number };
  config?: Record<string, string>;
  secretKeys?: string[];
  serviceAccount?: string;
  namespaceNote?: boolean;
}
interface ChartRequest {
  id: string;
  text: string;
  data?: unknown;
  secret?: string;
  expect: Expect;
}

const REQUESTS = parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'chart-requests.yaml'), 'utf8')) as ChartRequest[];

let helm: Client;
let kube: Client;

beforeAll(async () => {
  helm = await connectInMemory(helmServerFactory(testConfig({ K8S_EXPERTS_KUBECONFIG: inject('kubeconfig') }), silentLogger(), 'test', inject('helm'))());
  kube = await kubernetesClient(inject('kubeconfig'));
  await k(['create', 'namespace', NS]).catch(() => undefined);
});

afterAll(async () => {
  await helm?.close();
  await kube?.close();
  await k(['delete', 'namespace', NS, '--ignore-not-found', '--wait=false']);
});

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- reading rendered objects in assertions

const byKind = (rendered: RenderedObject[], kind: string) => rendered.filter((r) => r.object.kind === kind).map((r) => r.object as Obj);

describe('generate-chart: requests become charts that pass lint, template and a server-side dry run', () => {
  it('has 10 varied requests', () => {
    expect(REQUESTS).toHaveLength(10);
    expect(REQUESTS.filter((r) => r.data).length).toBeGreaterThanOrEqual(3);
  });

  for (const request of REQUESTS) {
    it(request.id, async () => {
      const progress: string[] = [];
      const result = await generateChartSkill({ text: request.text, data: request.data ? [request.data] : [] }, { helm, kubernetes: kube, progress: (t) => progress.push(t), signal: new AbortController().signal });
      expect(result.inputRequired, result.text).toBeFalsy();
      const data = result.data as { skill: string; plan: Obj; chart: { name: string; files: ChartFiles }; validation: ChartValidation; rendered: RenderedObject[]; fixes: unknown[]; unfixed: string[] };
      const v = data.validation;
      expect(v.lint, JSON.stringify(v.lint)).toMatchObject({ ran: true, ok: true });
      expect(v.template.ok, v.template.error).toBe(true);
      expect(v.dryRun.ran, v.dryRun.error).toBe(true);
      expect(v.dryRun.objects.filter((o) => !o.valid), JSON.stringify(v.dryRun.objects)).toEqual([]);
      expect(v.passed).toBe(true);
      expect(data.fixes).toEqual([]); // generated charts need no healing
      expect(data.unfixed).toEqual([]);
      // Generation defaults leave no critical/high finding for the security agent's review (its checks, run here directly).
      const serious = scanObjects(data.rendered.map((r) => r.object)).filter((f) => f.severity === 'high' || f.severity === 'critical');
      expect(serious, JSON.stringify(serious)).toEqual([]);
      expect(v.dryRun.namespace).toBe(request.expect.namespaceNote ? 'default' : NS);
      if (request.expect.namespaceNote) expect(result.text).toContain('does not exist: validated in default');

      // The chart's files, as a caller would write them.
      const files = data.chart.files;
      for (const f of ['Chart.yaml', 'values.yaml', 'values.schema.json', '.helmignore', 'README.md', 'templates/_helpers.tpl', 'templates/NOTES.txt', 'templates/service.yaml', 'templates/ingress.yaml', 'templates/hpa.yaml', 'templates/pdb.yaml', 'templates/networkpolicy.yaml', 'templates/serviceaccount.yaml', 'templates/configmap.yaml', 'templates/secret.yaml']) expect(Object.keys(files)).toContain(f);
      expect(Object.keys(files)).toContain(`templates/${request.expect.workload.toLowerCase()}.yaml`);
      expect(parse(files['Chart.yaml']!)).toMatchObject({ apiVersion: 'v2', name: data.chart.name, appVersion: expect.any(String) });
      expect(result.text).toMatch(/HELM LINT --STRICT|helm lint --strict/);

      // The rendered objects match the plan.
      const rendered = data.rendered;
      const kinds = rendered.map((r) => String(r.object.kind));
      for (const kind of request.expect.kinds) expect(kinds, kind).toContain(kind);
      for (const kind of request.expect.absent ?? []) expect(kinds, kind).not.toContain(kind);
      const [workload] = byKind(rendered, request.expect.workload);
      expect(workload).toBeDefined();
      const pod = workload!.spec.template.spec;
      const container = pod.containers[0];
      expect(container.image).toBe(typeof data.plan.image === 'object' ? `${data.plan.image.repository}:${data.plan.image.tag}` : '');
      expect(workload!.spec.selector.matchLabels).toEqual(Object.fromEntries(Object.entries(workload!.spec.template.metadata.labels).filter(([key]) => key in workload!.spec.selector.matchLabels)));
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(container.resources).toMatchObject({ requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { memory: expect.any(String) } });
      if (request.expect.replicas !== undefined) expect(workload!.spec.replicas).toBe(request.expect.replicas);
      if (request.expect.ports) {
        expect((container.ports ?? []).map((p: Obj) => p.containerPort)).toEqual(request.expect.ports);
        const [svc] = byKind(rendered, 'Service').filter((s) => s.spec.clusterIP !== 'None');
        if (request.expect.ports.length && request.expect.kinds.includes('Service')) expect(svc!.spec.ports.map((p: Obj) => p.port)).toEqual(request.expect.ports);
        const [np] = byKind(rendered, 'NetworkPolicy');
        if (np) expect((np.spec.ingress ?? []).flatMap((rule: Obj) => (rule.ports ?? []).map((p: Obj) => p.port))).toEqual(request.expect.ports);
      }
      if (request.expect.serviceType) expect(byKind(rendered, 'Service')[0]!.spec.type).toBe(request.expect.serviceType);
      if (request.expect.ingress) {
        const [ing] = byKind(rendered, 'Ingress');
        expect(ing!.apiVersion).toBe('networking.k8s.io/v1');
        expect(ing!.spec.rules[0].host).toBe(request.expect.ingress.host);
        expect(Boolean(ing!.spec.tls)).toBe(request.expect.ingress.tls);
        if (request.expect.ingress.className) expect(ing!.spec.ingressClassName).toBe(request.expect.ingress.className);
      }
      if (request.expect.storage) {
        const vct = workload!.spec.volumeClaimTemplates?.[0] ?? byKind(rendered, 'PersistentVolumeClaim')[0];
        expect(vct.spec.resources.requests.storage).toBe(request.expect.storage.size);
        if (request.expect.storage.storageClass) expect(vct.spec.storageClassName).toBe(request.expect.storage.storageClass);
        expect(container.volumeMounts[0].mountPath).toBe(request.expect.storage.mountPath);
        if (request.expect.workload === 'StatefulSet') expect(byKind(rendered, 'Service').some((s) => s.spec.clusterIP === 'None' && s.metadata.name === workload!.spec.serviceName)).toBe(true);
      }
      if (request.expect.hpa) {
        const [hpa] = byKind(rendered, 'HorizontalPodAutoscaler');
        expect(hpa).toMatchObject({ apiVersion: 'autoscaling/v2', spec: { minReplicas: request.expect.hpa.min, maxReplicas: request.expect.hpa.max, scaleTargetRef: { kind: request.expect.workload, name: workload!.metadata.name } } });
        expect(hpa!.spec.metrics[0].resource.target.averageUtilization).toBe(request.expect.hpa.targetCPU);
        expect(workload!.spec.replicas).toBeUndefined(); // the autoscaler owns replicas
      }
      if (request.expect.pdbMinAvailable !== undefined) expect(byKind(rendered, 'PodDisruptionBudget')[0]!.spec.minAvailable).toBe(request.expect.pdbMinAvailable);
      if (request.expect.probe) {
        const probe = container.readinessProbe;
        if (request.expect.probe.type === 'http') expect(probe.httpGet.path).toBe(request.expect.probe.path);
        else expect(probe.tcpSocket.port).toBe(request.expect.probe.port);
      }
      if (request.expect.config) expect(byKind(rendered, 'ConfigMap')[0]!.data).toEqual(request.expect.config);
      if (request.expect.secretKeys) {
        const [secret] = byKind(rendered, 'Secret');
        expect(Object.keys(secret!.stringData ?? secret!.data ?? {})).toEqual(request.expect.secretKeys);
        expect(parse(files['values.yaml']!).secrets).toEqual(Object.fromEntries(request.expect.secretKeys.map((key) => [key, ''])));
        expect(container.envFrom.some((e: Obj) => e.secretRef?.name === secret!.metadata.name)).toBe(true);
      }
      if (request.expect.serviceAccount) {
        expect(byKind(rendered, 'ServiceAccount')[0]!.metadata.name).toBe(request.expect.serviceAccount);
        expect(pod.serviceAccountName).toBe(request.expect.serviceAccount);
      }
      // A secret value given in the request appears in no output: answer, data, files, progress.
      if (request.secret) {
        const everything = JSON.stringify({ result, progress });
        expect(everything).not.toContain(request.secret);
        expect(everything).not.toContain(Buffer.from(request.secret).toString('base64'));
      }
    });
  }
});

/** A fixture chart directory as a files map. */
function readChart(dir: string): ChartFiles {
  const files: ChartFiles = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return files;
}

const chart = (name: string) => readChart(join(REPO_ROOT, 'test', 'fixtures', 'charts', name));
const heal = (name: string) => validateAndHealChart({ helm, kubernetes: kube }, chart(name), { namespace: NS, release: 'h3' });

describe('generate-chart self-heal: broken charts', () => {
  it('removed apiVersions → served ones (Deployment, Ingress with its backend converted, PDB, HPA v2beta1 metric)', async () => {
    const r = await heal('broken-apiversions');
    expect(r.validation.passed, JSON.stringify({ unfixed: r.unfixed, lint: r.validation.lint })).toBe(true);
    const whats = r.fixes.map((f) => `${f.file}: ${f.what}`);
    expect(whats).toEqual(
      expect.arrayContaining([
        expect.stringContaining('templates/deployment.yaml: Deployment/h3-web: apiVersion extensions/v1beta1 → apps/v1'),
        expect.stringContaining('templates/ingress.yaml: Ingress/h3-web: apiVersion networking.k8s.io/v1beta1 → networking.k8s.io/v1 (backends converted'),
        expect.stringContaining('templates/pdb.yaml: PodDisruptionBudget/h3-web: apiVersion policy/v1beta1 → policy/v1'),
        expect.stringContaining('templates/hpa.yaml: HorizontalPodAutoscaler/h3-web: apiVersion autoscaling/v2beta1 → autoscaling/v2 (metric targets converted)'),
      ]),
    );
    expect(r.fixes).toHaveLength(4);
    expect(r.fixes.every((f) => f.why.length > 0)).toBe(true);
    const ingress = r.rendered.find((o) => o.object.kind === 'Ingress')!.object as Obj;
    expect(ingress.spec.rules[0].http.paths[0]).toEqual({ path: '/', pathType: 'ImplementationSpecific', backend: { service: { name: 'h3-web', port: { number: 80 } } } });
    const hpa = r.rendered.find((o) => o.object.kind === 'HorizontalPodAutoscaler')!.object as Obj;
    expect(hpa.spec.metrics[0].resource).toEqual({ name: 'cpu', target: { type: 'Utilization', averageUtilization: 75 } });
    expect(r.unfixed).toEqual([]);
  });

  it('apps/v1beta2 without a selector: apiVersion first, then the selector from the pod labels', async () => {
    const r = await heal('broken-no-selector');
    expect(r.validation.passed, r.unfixed.join('\n')).toBe(true);
    expect(r.fixes.map((f) => [f.round, f.file, f.what.split(':')[1]!.trim().split(' ')[0]])).toEqual([
      [1, 'templates/deployment.yaml', 'apiVersion'],
      [2, 'templates/deployment.yaml', 'spec.selector.matchLabels'],
    ]);
    expect(r.files['templates/deployment.yaml']).toContain('  selector:\n    matchLabels:\n      {{- include "broken-no-selector.selectorLabels" . | nindent 6 }}');
    const dep = r.rendered.find((o) => o.object.kind === 'Deployment')!.object as Obj;
    expect(dep.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'broken-no-selector', 'app.kubernetes.io/instance': 'h3' });
  });

  it('selector/label mismatch: the pod labels take the selector\'s values', async () => {
    const r = await heal('broken-label-mismatch');
    expect(r.validation.passed, r.unfixed.join('\n')).toBe(true);
    expect(r.fixes).toHaveLength(1);
    expect(r.fixes[0]).toMatchObject({ file: 'templates/deployment.yaml', what: expect.stringContaining('pod template labels app, tier set as in spec.selector.matchLabels'), why: expect.stringContaining('selector') });
    const dep = r.rendered.find((o) => o.object.kind === 'Deployment')!.object as Obj;
    expect(dep.spec.template.metadata.labels).toEqual({ app: 'shop-web', tier: 'frontend' });
  });

  it('values.yaml with a mis-indented key: re-indented where the schema says it belongs', async () => {
    const r = await heal('broken-values-indent');
    expect(r.validation.passed, r.unfixed.join('\n')).toBe(true);
    expect(r.fixes).toEqual([expect.objectContaining({ file: 'values.yaml', what: expect.stringContaining('line 4 ("tag: "1.27"") re-indented from 3 to 2 spaces') })]);
    expect(parse(r.files['values.yaml']!)).toEqual({ replicaCount: 1, image: { repository: 'nginxinc/nginx-unprivileged', tag: '1.27' }, port: 8080 });
  });

  it('Chart.yaml with a mis-indented field: re-indented', async () => {
    const r = await heal('broken-chart-indent');
    expect(r.validation.passed, r.unfixed.join('\n')).toBe(true);
    expect(r.fixes).toEqual([expect.objectContaining({ file: 'Chart.yaml', what: expect.stringContaining('re-indented from 1 to 0 spaces') })]);
    expect(parse(r.files['Chart.yaml']!)).toMatchObject({ name: 'broken-chart-indent', version: '0.1.0' });
  });

  it('invalid names: normalized wherever they are written (values.yaml and templates)', async () => {
    const r = await heal('broken-names');
    expect(r.validation.passed, r.unfixed.join('\n')).toBe(true);
    const whats = r.fixes.map((f) => `${f.file}: ${f.what}`);
    expect(whats).toEqual(expect.arrayContaining([expect.stringContaining('values.yaml: ConfigMap/App_Settings: "App_Settings" → "app-settings"'), expect.stringContaining('templates/service.yaml: Service/Web.Frontend: "Web.Frontend" → "web-frontend"')]));
    expect(r.rendered.map((o) => (o.object.metadata as Obj).name).sort()).toEqual(['app-settings', 'web-frontend']);
  });

  it('a container without a name gets the one its image implies', async () => {
    const r = await heal('broken-container-name');
    expect(r.validation.passed, r.unfixed.join('\n')).toBe(true);
    expect(r.fixes).toEqual([expect.objectContaining({ file: 'templates/deployment.yaml', what: expect.stringContaining('container 0 named "orders-api"'), why: expect.stringContaining('dry run') })]);
  });

  it('a container without an image is reported as unfixed, with the server\'s message', async () => {
    const r = await heal('broken-unfixable');
    expect(r.validation.passed).toBe(false);
    expect(r.fixes).toEqual([]);
    expect(r.unfixed.join('\n')).toContain('container "job" has no image — which image to run cannot be deduced');
    expect(r.unfixed.join('\n')).toMatch(/image: Required value/);
  });

  it('without the helm server: says validation with helm was not possible', async () => {
    const r = await generateChartSkill({ text: 'helm chart for nginx:1.27', data: [] }, { kubernetes: kube, progress: () => undefined, signal: new AbortController().signal });
    expect(r.text).toContain('Not validated with helm');
    expect((r.data as { validation: ChartValidation }).validation).toMatchObject({ helm: false, passed: false });
  });
});
