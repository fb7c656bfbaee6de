import { describe, expect, it } from 'vitest';
import { chooseDevSkill } from '../../agents/dev/index.js';
import { completePlan } from '../../agents/dev/chart/complete.js';
import { mergeSpecs, specFromData, splitImage } from '../../agents/dev/chart/spec.js';
import { chartSpecFromWords } from '../../agents/dev/chart/words.js';
import { previousChartSpec } from '../../agents/dev/chart/skill.js';

describe('chart requests in plain words', () => {
  it('a web app with an ingress and TLS', () => {
    expect(chartSpecFromWords('Create a helm chart for nginx:1.27 with 3 replicas and an ingress on shop.example.com with TLS, ingress class nginx')).toEqual({
      image: 'nginx:1.27',
      scaling: { replicas: 3 },
      exposure: { ingress: { host: 'shop.example.com', tls: true, className: 'nginx' } },
    });
  });

  it('a stateful database with storage', () => {
    const spec = chartSpecFromWords('A helm chart for a postgres:16.4 database as a StatefulSet with 20Gi storage mounted at /var/lib/postgresql/data, port 5432, storage class standard');
    expect(spec).toMatchObject({ image: 'postgres:16.4', workload: 'StatefulSet', ports: [5432], storage: { size: '20Gi', mountPath: '/var/lib/postgresql/data', storageClass: 'standard' } });
  });

  it('a worker without a service; an API autoscaled between 2 and 10 at 70% CPU with a PDB', () => {
    expect(chartSpecFromWords('Helm chart for a queue worker running ghcr.io/acme/worker:2.3.1 without a service').exposure).toEqual({ service: false });
    expect(chartSpecFromWords('chart for ghcr.io/acme/api:1.0 autoscaled between 2 and 10 replicas at 70% cpu with a pdb')).toMatchObject({ scaling: { hpa: { min: 2, max: 10, targetCPU: 70 } }, pdb: true });
  });

  it('config entries and secret keys are told apart; secret values are never kept', () => {
    const spec = chartSpecFromWords('helm chart for ghcr.io/acme/billing:3.0.2 with config LOG_LEVEL=info and secret STRIPE_API_KEY=sk_live_abc123XYZ and DB_PASSWORD=hunter22');
    expect(spec.config).toEqual({ LOG_LEVEL: 'info' });
    expect(spec.secrets).toEqual(['STRIPE_API_KEY', 'DB_PASSWORD']);
    expect(JSON.stringify(spec)).not.toMatch(/sk_live_abc123XYZ|hunter22/);
    expect(chartSpecFromWords('chart for x:1 with secrets API_TOKEN and DB_PASSWORD').secrets).toEqual(['API_TOKEN', 'DB_PASSWORD']);
  });

  it('NodePort, TCP probes, a named service account, several ports', () => {
    expect(chartSpecFromWords('chart for hashicorp/http-echo:1.0 exposed as a NodePort service on port 5678').exposure).toEqual({ service: { type: 'NodePort' } });
    expect(chartSpecFromWords('helm chart for redis:7.4 with a tcp probe').probes).toEqual({ type: 'tcp' });
    expect(chartSpecFromWords('helm chart for a:1 with health check /healthz').probes).toEqual({ type: 'http', path: '/healthz' });
    expect(chartSpecFromWords('helm chart for a:1 with a service account named reader and a network policy')).toMatchObject({ serviceAccount: { name: 'reader' }, networkPolicy: true });
    expect(chartSpecFromWords('helm chart for ghcr.io/acme/gateway:5.1.0 with ports 8080, 8443 and 9090').ports).toEqual([8080, 8443, 9090]);
  });

  it('"helm chart" and "chart for …" choose generate-chart; manifests and kubectl stay where they were', () => {
    expect(chooseDevSkill('Create a helm chart for nginx', [])).toEqual({ skill: 'generate-chart' });
    expect(chooseDevSkill('a chart for my api', [])).toEqual({ skill: 'generate-chart' });
    expect(chooseDevSkill('Create a deployment of nginx with a service', [])).toEqual({ skill: 'generate-manifest' });
    expect(chooseDevSkill('What is the kubectl command to list helm releases?', [])).toEqual({ skill: 'kubectl-command' });
  });
});

describe('structured specs', () => {
  it('are validated with errors naming the field; secret values are dropped at once', () => {
    expect(specFromData([{ chart: { image: 'nginx:1.27', scaling: { replicas: -1 } } }])).toEqual({ error: expect.stringContaining('chart.scaling.replicas') });
    expect(specFromData([{ chart: { image: 'nginx:1.27', bogus: 1 } }])).toEqual({ error: expect.stringContaining('bogus') });
    const r = specFromData([{ chart: { image: 'nginx:1.27', secrets: { DB_PASSWORD: 'Sup3r-Value' } } }]);
    expect(r).toEqual({ spec: { image: 'nginx:1.27', secrets: ['DB_PASSWORD'] }, secretValues: ['Sup3r-Value'] });
    expect(specFromData([{ skill: 'generate-chart' }])).toBeUndefined();
  });

  it('images split into repository and tag (a registry port is not a tag)', () => {
    expect(splitImage('nginx:1.27')).toEqual({ repository: 'nginx', tag: '1.27' });
    expect(splitImage('registry.local:5000/team/api')).toEqual({ repository: 'registry.local:5000/team/api' });
    expect(splitImage('registry.local:5000/team/api:2.0')).toEqual({ repository: 'registry.local:5000/team/api', tag: '2.0' });
  });

  it('an answer merges into the partial plan of the question', () => {
    const earlier = { name: 'shop', exposure: { ingress: { tls: true } } };
    expect(mergeSpecs(earlier, { image: 'a:1', exposure: { service: {} } })).toEqual({ name: 'shop', image: 'a:1', exposure: { ingress: { tls: true }, service: {} } });
    expect(previousChartSpec([{ skill: 'generate-chart', questions: [], plan: earlier }])).toEqual(earlier);
    expect(previousChartSpec([{ skill: 'other', plan: earlier }])).toBeUndefined();
  });
});

describe('completing a plan', () => {
  it('asks for what matters and cannot be inferred', () => {
    const r = completePlan({ exposure: { ingress: {} }, storage: {} });
    expect('questions' in r && r.questions.map((q) => q.field)).toEqual(['image', 'ports', 'storage.size', 'exposure.ingress.host']);
    expect(completePlan({ image: 'ghcr.io/acme/x:1', exposure: { service: {} } })).toEqual({ questions: [expect.objectContaining({ field: 'ports', example: 'port 8080' })] });
  });

  it('states every default as an assumption instead of applying it silently', () => {
    const r = completePlan({ image: 'nginx' });
    if (!('plan' in r)) throw new Error('expected a plan');
    expect(r.plan).toMatchObject({ name: 'nginx', workload: 'Deployment', image: { repository: 'nginx', tag: 'latest' }, ports: [{ name: 'http', port: 80 }], scaling: { replicas: 2 }, exposure: { service: { type: 'ClusterIP' } }, probes: { type: 'http', path: '/', port: 80 }, networkPolicy: true, pdb: { minAvailable: 1 } });
    const said = r.assumptions.join('\n');
    for (const phrase of ['tag "latest"', 'port 80', '2 replicas', 'ClusterIP Service', 'HTTP GET /', 'resources: requests', 'ServiceAccount', 'NetworkPolicy', 'PodDisruptionBudget', 'restricted', 'starts as root']) expect(said).toContain(phrase);
  });

  it('no PDB for one replica; an HPA fills min/max/target and says so; a bad name is normalized and said', () => {
    const one = completePlan({ image: 'redis:7', scaling: { replicas: 1 } });
    expect('plan' in one && one.plan.pdb).toBeUndefined();
    const hpa = completePlan({ image: 'a:1', ports: [8080], scaling: { hpa: { min: 3 } } });
    if (!('plan' in hpa)) throw new Error('expected a plan');
    expect(hpa.plan.scaling.hpa).toEqual({ min: 3, max: 9, targetCPU: 80 });
    expect(hpa.assumptions.join('\n')).toContain('autoscaler max 9, target CPU 80%');
    const named = completePlan({ image: 'a:1', name: 'My_Shop' });
    expect('plan' in named && named.plan.name).toBe('my-shop');
    expect('plan' in named && named.assumptions[0]).toContain('"My_Shop" is not a valid');
  });
});

describe('the card\'s generate-chart examples', () => {
  it('each parses to a complete plan without questions', async () => {
    const { readFileSync } = await import('node:fs');
    const card = JSON.parse(readFileSync(new URL('../../cards/dev.json', import.meta.url), 'utf8')) as { skills: Array<{ id: string; examples: string[] }> };
    const examples = card.skills.find((s) => s.id === 'generate-chart')!.examples;
    for (const example of examples) {
      expect(chooseDevSkill(example, []), example).toEqual({ skill: 'generate-chart' });
      expect(completePlan(chartSpecFromWords(example)), example).toHaveProperty('plan');
    }
  });
});

describe('a complete plan', () => {
  it('matches the ChartPlan schema and round-trips as a structured spec (a caller may send it back changed)', async () => {
    const { chartPlanSchema, chartSpecSchema } = await import('../../agents/dev/chart/spec.js');
    const first = completePlan(chartSpecFromWords('helm chart for ghcr.io/acme/shop:2.4.1 on port 8080 with an ingress on shop.example.com, 20Gi storage, config A=b and secret TOKEN=zzzzzz'));
    if (!('plan' in first)) throw new Error('expected a plan');
    expect(chartPlanSchema.safeParse(first.plan).success).toBe(true);
    const again = completePlan(chartSpecSchema.parse(first.plan));
    expect('plan' in again && again.plan).toEqual(first.plan);
  });
});
