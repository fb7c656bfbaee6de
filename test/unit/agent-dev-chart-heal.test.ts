import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { replaceApiVersion, replacementApi } from '../../agents/dev/chart/heal/api-versions.js';
import { addContainerName, containerNameFor } from '../../agents/dev/chart/heal/containers.js';
import { CHART_YAML_FIELDS, reindentYaml } from '../../agents/dev/chart/heal/indentation.js';
import { isValidObjectName, renameInFiles } from '../../agents/dev/chart/heal/names.js';
import { addSelector, alignTemplateLabels } from '../../agents/dev/chart/heal/selector.js';
import { healChartRound } from '../../agents/dev/chart/heal.js';
import type { ChartValidation } from '../../agents/dev/chart/validate.js';

const ingress = `apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata:
  name: web
spec:
  backend:
    serviceName: web
    servicePort: 80
  rules:
    - host: a.example.com
      http:
        paths:
          - path: /api
            backend:
              serviceName: {{ .Release.Name }}-api
              servicePort: http
`;

describe('removed apiVersions', () => {
  it('know what replaced them', () => {
    expect(replacementApi('extensions/v1beta1', 'Deployment')).toBe('apps/v1');
    expect(replacementApi('apps/v1beta2', 'StatefulSet')).toBe('apps/v1');
    expect(replacementApi('policy/v1beta1', 'PodDisruptionBudget')).toBe('policy/v1');
    expect(replacementApi('autoscaling/v2beta2', 'HorizontalPodAutoscaler')).toBe('autoscaling/v2');
    expect(replacementApi('apps/v1', 'Deployment')).toBeUndefined();
  });

  it('an Ingress moves to v1 with its backends in the new shape', () => {
    const out = replaceApiVersion(ingress, 'Ingress', 'networking.k8s.io/v1beta1', 'networking.k8s.io/v1', () => false)!;
    const doc = parse(out.replace('{{ .Release.Name }}', 'rel')) as { apiVersion: string; spec: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(doc.apiVersion).toBe('networking.k8s.io/v1');
    expect(doc.spec.defaultBackend).toEqual({ service: { name: 'web', port: { number: 80 } } });
    expect(doc.spec.rules[0].http.paths[0]).toEqual({ path: '/api', pathType: 'ImplementationSpecific', backend: { service: { name: 'rel-api', port: { name: 'http' } } } });
  });

  it('an HPA v2beta1 target becomes a v2 target; a template without a literal apiVersion is left alone', () => {
    const hpa = 'apiVersion: autoscaling/v2beta1\nkind: HorizontalPodAutoscaler\nspec:\n  metrics:\n    - type: Resource\n      resource:\n        name: cpu\n        targetAverageUtilization: 60\n';
    expect(parse(replaceApiVersion(hpa, 'HorizontalPodAutoscaler', 'autoscaling/v2beta1', 'autoscaling/v2')!).spec.metrics[0].resource).toEqual({ name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } });
    expect(replaceApiVersion('apiVersion: {{ .Values.api }}\nkind: Deployment\n', 'Deployment', 'extensions/v1beta1', 'apps/v1')).toBeUndefined();
  });
});

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: x
spec:
  replicas: 1
  template:
    metadata:
      labels:
        {{- include "x.selectorLabels" . | nindent 8 }}
        extra: "yes"
    spec:
      containers:
        - image: ghcr.io/acme/orders-api:2.1.0
        - name: side
          image: busybox
`;

describe('selectors and containers', () => {
  it('a missing selector is copied from the pod labels, directives re-indented', () => {
    const out = addSelector(deployment, 'Deployment')!;
    expect(out).toContain('spec:\n  replicas: 1\n  selector:\n    matchLabels:\n      {{- include "x.selectorLabels" . | nindent 6 }}\n      extra: "yes"\n  template:');
  });

  it('pod labels take the selector values for the keys that differ', () => {
    const text = 'kind: Deployment\nspec:\n  selector:\n    matchLabels:\n      app: web\n      tier: fe\n  template:\n    metadata:\n      labels:\n        app: webb\n    spec: {}\n';
    const doc = parse(alignTemplateLabels(text, 'Deployment', ['app', 'tier'])!) as { spec: { template: { metadata: { labels: Record<string, string> } } } };
    expect(doc.spec.template.metadata.labels).toEqual({ app: 'web', tier: 'fe' });
  });

  it('a nameless container is named after its image', () => {
    expect(containerNameFor('ghcr.io/acme/orders-api:2.1.0')).toBe('orders-api');
    expect(addContainerName(deployment, 0, 'orders-api')).toContain('        - image: ghcr.io/acme/orders-api:2.1.0\n          name: orders-api\n');
    expect(addContainerName(deployment, 1, 'x')).toBeUndefined(); // it has a name
  });
});

describe('names', () => {
  it('DNS-1123 for objects, DNS-1035 for Services', () => {
    expect(isValidObjectName('ConfigMap', 'a.b-c')).toBe(true);
    expect(isValidObjectName('Service', 'a.b')).toBe(false);
    expect(isValidObjectName('Service', '1abc')).toBe(false);
    expect(isValidObjectName('ConfigMap', 'App_Settings')).toBe(false);
  });

  it('an invalid name is renamed wherever it is written, whole tokens only; a computed one is not guessed', () => {
    const files = { 'values.yaml': 'name: App_Settings\nother: App_SettingsX\n', 'templates/cm.yaml': 'name: {{ .Values.name }}\n', 'README.md': 'App_Settings' };
    const r = renameInFiles(files, 'App_Settings')!;
    expect(r.renaming).toEqual({ from: 'App_Settings', to: 'app-settings', files: ['values.yaml'] });
    expect(r.files['values.yaml']).toBe('name: app-settings\nother: App_SettingsX\n');
    expect(r.files['README.md']).toBe('App_Settings');
    expect(renameInFiles({ 'templates/a.yaml': 'name: {{ upper .Release.Name }}' }, 'REL')).toBeUndefined();
    // A release-prefixed name: the literal part is renamed.
    expect(renameInFiles({ 'templates/a.yaml': 'name: {{ .Release.Name }}-My_Api' }, 'rel-My_Api')!.files['templates/a.yaml']).toBe('name: {{ .Release.Name }}-my-api');
  });
});

describe('YAML indentation', () => {
  it('a mis-indented key goes where the schema expects it', () => {
    const r = reindentYaml('image:\n  repository: nginx\n   tag: "1.27"\nport: 8080\n', new Set(['image', 'image.repository', 'image.tag', 'port']));
    expect(r).toMatchObject({ changes: ['line 3 ("tag: "1.27"") re-indented from 3 to 2 spaces'] });
    expect(parse((r as { text: string }).text)).toEqual({ image: { repository: 'nginx', tag: '1.27' }, port: 8080 });
  });

  it('tabs become spaces; Chart.yaml fields go top-level', () => {
    const r = reindentYaml('apiVersion: v2\nname: x\ndescription: d\n version: 0.1.0\n', new Set(CHART_YAML_FIELDS));
    expect(parse((r as { text: string }).text)).toEqual({ apiVersion: 'v2', name: 'x', description: 'd', version: '0.1.0' });
    const tabs = reindentYaml('image:\n\trepository: nginx\n', new Set(['image', 'image.repository']));
    expect(tabs).toMatchObject({ changes: ['1 line indented with tabs: tabs replaced by two spaces'] });
  });

  it('ambiguous: reported, not guessed', () => {
    const r = reindentYaml('a:\n  b: 1\n   c: 2\n', new Set());
    expect(r).toHaveProperty('error');
    expect((r as { error: string }).error).toContain('cannot be told');
  });
});

describe('a heal round', () => {
  const base: ChartValidation = {
    helm: true,
    lint: { ran: true, ok: true, messages: [] },
    template: { ran: true, ok: true, kinds: [] },
    dryRun: { ran: true, ok: false, namespace: 'default', objects: [] },
    passed: false,
  };

  it('a container without an image is unfixed with the server\'s words; nothing else is touched', () => {
    const error = { code: 422, reason: 'Invalid', message: 'Deployment.apps "r-job" is invalid: spec.template.spec.containers[0].image: Required value', causes: [] };
    const validation = { ...base, dryRun: { ...base.dryRun, objects: [{ kind: 'Deployment', apiVersion: 'apps/v1', name: 'r-job', namespace: 'default', status: 'invalid' as const, valid: false, error }] } };
    const rendered = [{ source: 'templates/d.yaml', object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'r-job' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'job' }] } } } } }];
    const r = healChartRound({ 'templates/d.yaml': 'x' }, validation, rendered);
    expect(r.fixes).toEqual([]);
    expect(r.files).toEqual({ 'templates/d.yaml': 'x' });
    expect(r.unfixed).toEqual([expect.stringContaining('container "job" has no image — which image to run cannot be deduced; set it (dry run: Deployment.apps "r-job" is invalid: spec.template.spec.containers[0].image: Required value)')]);
  });

  it('a template that does not render is reported with helm\'s message', () => {
    const r = healChartRound({ 'Chart.yaml': 'name: x\n' }, { ...base, template: { ran: true, ok: false, kinds: [], error: 'parse error at (x/templates/a.yaml:3): function "nope" not defined' } }, []);
    expect(r.unfixed).toEqual(['helm template: parse error at (x/templates/a.yaml:3): function "nope" not defined']);
  });
});
