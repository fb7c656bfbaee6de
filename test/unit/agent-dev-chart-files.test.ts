import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { completePlan } from '../../agents/dev/chart/complete.js';
import { chartFiles, fileTree } from '../../agents/dev/chart/files.js';
import type { ChartPlan, ChartSpec } from '../../agents/dev/chart/spec.js';

function plan(spec: ChartSpec): ChartPlan {
  const r = completePlan(spec);
  if (!('plan' in r)) throw new Error(JSON.stringify(r.questions));
  return r.plan;
}

describe('chart files from a plan', () => {
  const web = plan({ name: 'shop', image: 'ghcr.io/acme/shop:2.4.1', ports: [8080], config: { LOG_LEVEL: 'info', FEATURE_X: 'on' }, secrets: ['API_TOKEN'], exposure: { ingress: { host: 'shop.example.com', tls: true } } });
  const files = chartFiles(web);

  it('the files of helm create / Bitnami conventions, each optional object guarded by a value', () => {
    expect(Object.keys(files).sort()).toEqual(
      ['.helmignore', 'Chart.yaml', 'README.md', 'values.schema.json', 'values.yaml', 'templates/NOTES.txt', 'templates/_helpers.tpl', 'templates/configmap.yaml', 'templates/deployment.yaml', 'templates/hpa.yaml', 'templates/ingress.yaml', 'templates/networkpolicy.yaml', 'templates/pdb.yaml', 'templates/pvc.yaml', 'templates/secret.yaml', 'templates/service.yaml', 'templates/serviceaccount.yaml'].sort(),
    );
    expect(files['templates/ingress.yaml']).toMatch(/^\{\{- if \.Values\.ingress\.enabled \}\}/);
    expect(files['templates/hpa.yaml']).toMatch(/^\{\{- if \.Values\.autoscaling\.enabled \}\}/);
    expect(files['templates/pdb.yaml']).toMatch(/^\{\{- if \.Values\.pdb\.enabled \}\}/);
    for (const helper of ['shop.name', 'shop.fullname', 'shop.labels', 'shop.selectorLabels', 'shop.serviceAccountName']) expect(files['templates/_helpers.tpl']).toContain(`define "${helper}"`);
    expect(fileTree('shop', files).split('\n')[0]).toBe('shop/');
  });

  it('Chart.yaml: apiVersion v2, appVersion from the image tag', () => {
    expect(parse(files['Chart.yaml']!)).toMatchObject({ apiVersion: 'v2', name: 'shop', version: '0.1.0', appVersion: '2.4.1', type: 'application' });
  });

  it('values.yaml: the plan, secrets as empty keys with a note, strings YAML 1.1 would misread quoted', () => {
    const text = files['values.yaml']!;
    const values = parse(text) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(values).toMatchObject({ replicaCount: 2, image: { repository: 'ghcr.io/acme/shop', tag: '2.4.1' }, ingress: { enabled: true, host: 'shop.example.com', tls: true }, secrets: { API_TOKEN: '' }, networkPolicy: { enabled: true }, pdb: { enabled: true } });
    expect(text).toContain('FEATURE_X: "on"');
    expect(text).toMatch(/# Secret values are NOT stored in the chart/);
  });

  it('values.schema.json describes the values (types, enums, required)', () => {
    const schema = JSON.parse(files['values.schema.json']!) as { properties: Record<string, any>; required: string[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(schema.required).toContain('image');
    expect(schema.properties.replicaCount).toEqual({ type: 'integer', minimum: 0 });
    expect(schema.properties.service.properties.type.enum).toEqual(['ClusterIP', 'NodePort', 'LoadBalancer']);
    expect(schema.properties.image.properties.repository).toEqual({ type: 'string', minLength: 1 });
    expect(schema.properties.secrets.additionalProperties).toBeDefined();
  });

  it('README: a values table and how to supply secrets', () => {
    expect(files['README.md']).toContain('| `image.repository` | string | `"ghcr.io/acme/shop"` |');
    expect(files['README.md']).toContain('| `secrets.API_TOKEN` | string | `(set at install)` |');
    expect(files['README.md']).toContain('--set-file secrets.API_TOKEN=');
  });

  it('a StatefulSet: volumeClaimTemplates and a headless Service, no PVC template', () => {
    const db = chartFiles(plan({ image: 'postgres:16.4', workload: 'StatefulSet', storage: { size: '20Gi' } }));
    expect(Object.keys(db)).toContain('templates/statefulset.yaml');
    expect(Object.keys(db)).toContain('templates/service-headless.yaml');
    expect(Object.keys(db)).not.toContain('templates/pvc.yaml');
    expect(db['templates/statefulset.yaml']).toContain('volumeClaimTemplates:');
    expect(db['templates/statefulset.yaml']).toContain('serviceName: {{ include "postgres.fullname" . }}-headless');
  });

  it('never a secret value: only keys reach the files', () => {
    const withSecret = chartFiles(plan({ image: 'a:1', secrets: ['DB_PASSWORD'] }));
    expect(withSecret['templates/secret.yaml']).toContain('stringData:');
    expect(parse(withSecret['values.yaml']!).secrets).toEqual({ DB_PASSWORD: '' });
  });
});
