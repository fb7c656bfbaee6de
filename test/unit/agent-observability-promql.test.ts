import { describe, expect, it } from 'vitest';
import { namedJob, renderAlerts, renderResult, renderTargets } from '../../agents/observability/handler.js';
import { buildPromql, type Entities, formatValue, mentions, metricsOf, planMetrics, scopeOf, selector, seriesLabel, topOf, workloadPodRegex } from '../../agents/observability/promql.js';
import { OBSERVABILITY_SKILLS, pickSkill, targetsOrAlerts } from '../../agents/observability/skills.js';
import { loadCardSpec } from '../../shared/a2a/card.js';

const entities: Entities = {
  namespaces: ['shop', 'payments', 'data', 'default', 'kube-system'],
  nodes: ['worker-1', 'worker-2'],
  pods: [
    { name: 'postgres-0', namespace: 'shop' },
    { name: 'cart-66496966d8-tvt86', namespace: 'shop' },
    { name: 'payments-api-549bbc6b4b-zls6j', namespace: 'payments' },
  ],
  workloads: [
    { kind: 'StatefulSet', name: 'postgres', namespace: 'shop' },
    { kind: 'Deployment', name: 'cart', namespace: 'shop' },
    { kind: 'Deployment', name: 'payments-api', namespace: 'payments' },
    { kind: 'Deployment', name: 'shop', namespace: 'default' },
  ],
};

const promqlFor = (q: string) => planMetrics(q, entities).map((p) => p.promql);

describe('PromQL from questions', () => {
  it('the card examples', () => {
    expect(promqlFor('What is the CPU usage of namespace shop?')).toEqual(['sum(rate(container_cpu_usage_seconds_total{namespace="shop",container!=""}[5m]))']);
    expect(promqlFor('Which pods use the most memory?')).toEqual(['topk(5, sum by (namespace, pod) (container_memory_working_set_bytes{container!=""}))']);
    expect(promqlFor('How much memory does the postgres pod use?')).toEqual([
      'sum by (namespace, pod) (container_memory_working_set_bytes{namespace="shop",pod=~"postgres-[0-9]+",container!=""})',
    ]);
    expect(promqlFor('What is the CPU usage of node worker-1?')).toEqual(['sum by (node) (rate(node_cpu_usage_seconds_total{node="worker-1"}[5m]))']);
  });

  it('entities: exact pod names, workloads, namespaces, nodes', () => {
    expect(scopeOf('memory of cart-66496966d8-tvt86', entities)).toEqual({ kind: 'pod', namespace: 'shop', pod: 'cart-66496966d8-tvt86' });
    expect(scopeOf('cpu of payments-api', entities)).toEqual({ kind: 'workload', namespace: 'payments', workload: 'payments-api', workloadKind: 'Deployment' });
    // "payments" alone is the namespace, not payments-api.
    expect(scopeOf('cpu of payments', entities)).toEqual({ kind: 'namespace', namespace: 'payments' });
    // A workload named like a namespace: "namespace shop" means the namespace.
    expect(scopeOf('cpu of namespace shop', entities)).toEqual({ kind: 'namespace', namespace: 'shop' });
    expect(scopeOf('top 3 pods by memory in shop', entities)).toEqual({ kind: 'pods', namespace: 'shop' });
    expect(scopeOf('memory of the nodes', entities)).toEqual({ kind: 'nodes' });
    expect(scopeOf('which namespace uses the most cpu', entities)).toEqual({ kind: 'namespaces' });
    expect(scopeOf('total cpu of the cluster', entities)).toEqual({ kind: 'cluster' });
    expect(scopeOf('cpu usage', entities)).toEqual({ kind: 'namespaces' });
    expect(scopeOf('cpu of worker-12', entities)).toEqual({ kind: 'namespaces' });
  });

  it('metrics, top-N and the queries they make', () => {
    expect(metricsOf('cpu and memory of shop')).toEqual(['cpu', 'memory']);
    expect(metricsOf('resource usage')).toEqual(['cpu', 'memory']);
    expect(metricsOf('which pods restarted most')).toEqual(['restarts']);
    expect(topOf('top 3 pods')).toBe(3);
    expect(topOf('top-20 pods')).toBe(20);
    expect(topOf('the 2 heaviest pods')).toBe(2);
    expect(topOf('what is the cpu of shop')).toBeUndefined();
    expect(promqlFor('top 3 pods by cpu in namespace shop')).toEqual(['topk(3, sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{namespace="shop",container!=""}[5m])))']);
    expect(promqlFor('which pods restarted most')).toEqual(['topk(5, sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total[1h])))']);
    expect(promqlFor('memory of each node')).toEqual(['sum by (node) (node_memory_working_set_bytes)']);
    expect(promqlFor('which namespace uses the most memory')).toEqual(['topk(5, sum by (namespace) (container_memory_working_set_bytes{container!=""}))']);
    expect(buildPromql('cpu', { kind: 'cluster' })).toBe('sum(rate(container_cpu_usage_seconds_total{container!=""}[5m]))');
  });

  it('escapes label values and regexes', () => {
    expect(selector([['pod', '=', 'a"b\\c']])).toBe('{pod="a\\"b\\\\c"}');
    expect(workloadPodRegex('Deployment', 'web.v2')).toBe('web\\.v2-[a-z0-9]+-[a-z0-9]+');
    expect(buildPromql('memory', { kind: 'workload', namespace: 'ns', workload: 'web.v2', workloadKind: 'StatefulSet' })).toContain('pod=~"web\\\\.v2-[0-9]+"');
    expect(mentions('is shop-api ok', 'shop')).toBe(false);
    expect(mentions('cpu of shop?', 'shop')).toBe(true);
    expect(mentions('anything', '')).toBe(false);
  });

  it('empty and odd entities never throw', () => {
    const none: Entities = { namespaces: [], nodes: [], pods: [], workloads: [] };
    expect(planMetrics('', none).map((p) => p.metric)).toEqual(['cpu', 'memory']);
    expect(planMetrics('cpu of namespace ghost', none)[0]!.scope).toEqual({ kind: 'namespaces' });
  });
});

describe('values and answers', () => {
  it('formats values with units', () => {
    expect(formatValue(0.5309998, 'cores')).toBe('0.531 cores (531m)');
    expect(formatValue(220200960, 'bytes')).toBe('210.0 MiB');
    expect(formatValue(8 * 1024 ** 3, 'bytes')).toBe('8192.0 MiB (8.00 GiB)');
    expect(formatValue(13.2, 'count')).toBe('13 restarts');
    expect(formatValue(1, 'count')).toBe('1 restart');
    expect(formatValue(null, 'cores')).toBe('no value');
    expect(formatValue(Number.NaN, 'bytes')).toBe('no value');
  });

  it('names series by their labels', () => {
    expect(seriesLabel({ namespace: 'shop', pod: 'p' })).toBe('shop/p');
    expect(seriesLabel({ node: 'worker-1' })).toBe('worker-1');
    expect(seriesLabel({ namespace: 'shop' })).toBe('shop');
    expect(seriesLabel({})).toBe('total');
  });

  it('renders one value, a ranked list, or an honest empty answer, always with the PromQL', () => {
    const [ns] = planMetrics('cpu of namespace shop', entities);
    expect(renderResult(ns!, [{ metric: {}, value: 0.25 }])).toBe(`CPU usage of namespace shop: 0.250 cores (250m)\nPromQL: ${ns!.promql}`);
    expect(renderResult(ns!, [])).toMatch(/returned no samples[\s\S]*PromQL: sum\(/);
    const [top] = planMetrics('which pods use the most memory', entities);
    const text = renderResult(top!, [
      { metric: { namespace: 'shop', pod: 'a' }, value: 2 * 1024 * 1024 },
      { metric: { namespace: 'shop', pod: 'b' }, value: 1024 * 1024 },
    ]);
    expect(text.split('\n')).toEqual(['Memory usage (working set) of pods (top 5):', '1. shop/a: 2.0 MiB', '2. shop/b: 1.0 MiB', `PromQL: ${top!.promql}`]);
  });

  it('targets: all up, down with the error, one job', () => {
    const t = (job: string, health = 'up', lastError = '') => ({ job, instance: `${job}:1`, health, lastError });
    expect(renderTargets([t('a'), t('b')])).toBe('All 2 scrape targets of Prometheus are up.\nJobs: a, b.');
    expect(renderTargets([t('a'), t('b', 'down', 'connection refused')])).toBe('1 of 2 scrape targets of Prometheus are not up:\n- b b:1: down — connection refused\nJobs: a, b.');
    expect(renderTargets([t('a'), t('b')], 'b')).toBe('The scrape target of job b (b:1) is up: b is being scraped.');
    expect(renderTargets([], 'x')).toBe('Prometheus has no scrape target for job x.');
    expect(namedJob('Are all Prometheus targets up?', ['prometheus', 'etcd'])).toBeUndefined();
    expect(namedJob('Is prometheus scraping itself? is prometheus up', ['prometheus'])).toBe('prometheus');
    expect(namedJob('Is kube-state-metrics being scraped?', ['kube-state-metrics', 'kube-state-metrics-telemetry'])).toBe('kube-state-metrics');
  });

  it('alerts: none is a plain answer; otherwise firing and pending with summary', () => {
    expect(renderAlerts([])).toBe('No alerts are firing or pending.');
    expect(renderAlerts([{ name: 'PodCrashLooping', state: 'firing', labels: { namespace: 'payments' }, summary: 'crash looping', activeAt: '2026-01-01T00:00:00Z' }])).toBe(
      '1 firing, 0 pending:\n- PodCrashLooping (firing since 2026-01-01T00:00:00Z) namespace payments: crash looping',
    );
  });
});

describe('observability skill choice', () => {
  it('implements exactly the skills of cards/observability.json', () => {
    expect([...OBSERVABILITY_SKILLS]).toEqual(loadCardSpec('observability').skills.map((s) => s.id));
  });

  it('a data part { skill } wins; then targets/alerts words; then metric words', () => {
    expect(pickSkill('cpu of shop', [{ skill: 'targets-and-alerts' }])).toBe('targets-and-alerts');
    expect(pickSkill('which alerts fire', [{ skill: 'metrics-query' }])).toBe('metrics-query');
    expect(pickSkill('cpu of shop', [{ skill: 'posture-report' }, undefined])).toBe('metrics-query');
    for (const q of ['Are all Prometheus targets up?', 'Which alerts are firing?', 'Is kube-state-metrics being scraped?']) expect(pickSkill(q, []), q).toBe('targets-and-alerts');
    for (const q of ['What is the CPU usage of namespace shop?', 'Which pods use the most memory?', 'How much memory does the postgres pod use?']) expect(pickSkill(q, []), q).toBe('metrics-query');
    expect(pickSkill('Write me a poem', [])).toBeUndefined();
  });

  it('targets, alerts or both', () => {
    expect(targetsOrAlerts('Are all targets up?')).toEqual({ targets: true, alerts: false });
    expect(targetsOrAlerts('Which alerts are firing?')).toEqual({ targets: false, alerts: true });
    expect(targetsOrAlerts('monitoring overview')).toEqual({ targets: true, alerts: true });
  });
});
