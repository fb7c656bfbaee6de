import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { PREFERRED_PORTS, renderKwokctlConfig, renderPrometheusConfig } from '../../tools/cluster/config-files.js';
import { demoObjects, EXPECTED_POD_STATES } from '../../tools/cluster/demo.js';
import { binaries, CLUSTER_SOURCE_DIR, clusterPaths } from '../../tools/cluster/paths.js';

describe('the kwokctl configuration', () => {
  const docs = parseAllDocuments(renderKwokctlConfig(PREFERRED_PORTS, binaries(clusterPaths({ HOME: '/h' })), 'v1.34.4')).map((d) => d.toJS()).filter(Boolean);
  const kwokctl = docs.find((d) => d.kind === 'KwokctlConfiguration');

  it('runs the binary runtime on loopback with our own binaries', () => {
    expect(kwokctl.options).toMatchObject({ runtime: 'binary', bindAddress: '127.0.0.1', kubeVersion: 'v1.34.4' });
    for (const key of ['kubeApiserverBinary', 'etcdBinary', 'kwokControllerBinary']) expect(kwokctl.options[key]).toMatch(/^\/h\/\.cache\/k8s-experts\//);
  });

  it('ships the default lifecycle stages beside the failure stages', () => {
    const stages = docs.filter((d) => d.kind === 'Stage').map((d) => d.metadata.name);
    expect(stages).toEqual(expect.arrayContaining(['node-initialize', 'node-heartbeat-with-lease', 'pod-ready', 'pod-complete', 'pod-delete']));
    expect(stages).toEqual(expect.arrayContaining(['pod-crashloop-crash', 'pod-crashloop-restart', 'pod-err-image-pull', 'pod-image-pull-backoff', 'pod-create-container-config-error', 'pod-job-exit-failure']));
  });

  it('never marks a broken pod with a label or annotation an agent could read', () => {
    const failures = parseAllDocuments(readFileSync(join(CLUSTER_SOURCE_DIR, 'kwok', 'stages-failures.yaml'), 'utf8'))
      .map((d) => d.toJS())
      .filter(Boolean);
    expect(failures.length).toBe(6);
    for (const stage of failures) {
      expect(stage.spec.selector.matchLabels, stage.metadata.name).toBeUndefined();
      expect(stage.spec.selector.matchAnnotations, stage.metadata.name).toBeUndefined();
      for (const e of stage.spec.selector.matchExpressions) expect(e.key).not.toMatch(/\.metadata\.(labels|annotations)/);
    }
  });
});

describe('the Prometheus configuration', () => {
  it('scrapes only loopback targets, including kube-state-metrics and kwok discovery', () => {
    const config = parse(renderPrometheusConfig(PREFERRED_PORTS, { cert: '/c', key: '/k' }));
    const jobs = config.scrape_configs.map((j: { job_name: string }) => j.job_name);
    expect(jobs).toEqual(expect.arrayContaining(['kube-state-metrics', 'kube-apiserver', 'kubelet-resource']));
    const text = JSON.stringify(config);
    for (const target of text.match(/\d+\.\d+\.\d+\.\d+/g) ?? []) expect(target).toBe('127.0.0.1');
  });
});

describe('the demo seed', () => {
  const objects = demoObjects();

  it('has what a small company runs', () => {
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of ['Namespace', 'Node', 'Deployment', 'StatefulSet', 'Service', 'ConfigMap', 'Secret', 'Ingress', 'CronJob', 'Job']) expect(kinds).toContain(kind);
    expect(objects.filter((o) => o.kind === 'Node')).toHaveLength(3);
  });

  it('expects a state for workloads that exist in the seed', () => {
    for (const want of EXPECTED_POD_STATES) {
      const owner = objects.find((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind) && o.metadata.namespace === want.namespace && o.metadata.name === want.app);
      expect(owner, `${want.namespace}/${want.app}`).toBeDefined();
    }
  });

  it('leaves the ConfigMap that catalog needs out of the seed', () => {
    expect(objects.some((o) => o.kind === 'ConfigMap' && o.metadata.name === 'catalog-settings')).toBe(false);
  });
});
