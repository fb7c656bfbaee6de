import { describe, expect, inject, it } from 'vitest';
import { CRASHLOOP } from '../../tools/cluster/demo.js';
import { kubectl } from '../../tools/cluster/exec.js';
import { waitFor } from '../../tools/cluster/processes.js';

const k = (...args: string[]) => kubectl(inject('kubectl'), inject('kubeconfig'), args).then((r) => r.stdout);

describe('real kubectl against the demo cluster', () => {
  it('kubectl version reports a v1.34 server', async () => {
    const out = JSON.parse(await k('version', '-o', 'json')) as { serverVersion: { gitVersion: string } };
    expect(out.serverVersion.gitVersion).toMatch(/^v1\.34\./);
  });

  it('kubectl get nodes lists 3 Ready workers', async () => {
    const lines = (await k('get', 'nodes', '--no-headers')).trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/^worker-\d\s+Ready\s/);
  });

  it('kubectl get pods -A shows the broken states beside Running ones', async () => {
    const out = await k('get', 'pods', '-A');
    for (const status of ['Running', 'Completed', 'Pending', 'CreateContainerConfigError']) expect(out).toContain(status);
    expect(out).toMatch(/ImagePullBackOff|ErrImagePull/);
    expect(out).toMatch(/CrashLoopBackOff|Running\s+\d+ \(/);
  });

  it('kubectl logs serves a seeded pod\'s log', async () => {
    const out = await k('logs', '-n', 'shop', 'deploy/frontend');
    expect(out).toContain('nginx/1.27.3');
    expect(out).not.toMatch(/stdout F/);
  });

  it('kubectl logs --previous shows why the crash-looping pod died', async () => {
    const out = await k('logs', '-n', CRASHLOOP.namespace, `deploy/${CRASHLOOP.app}`, '--previous');
    expect(out).toContain(CRASHLOOP.previousLogContains);
  });
});

interface PromVector {
  status: string;
  data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
}

const query = async (promql: string): Promise<PromVector> => {
  const res = await fetch(`${inject('prometheusUrl')}/api/v1/query?query=${encodeURIComponent(promql)}`);
  expect(res.ok).toBe(true);
  return (await res.json()) as PromVector;
};

/** Polls until the query returns at least one series (scrapes run every 15 s). */
const seriesOf = (promql: string) =>
  waitFor(
    `series for ${promql}`,
    async () => {
      const r = await query(promql);
      return r.data.result.length ? r.data.result : undefined;
    },
    60_000,
    2000,
  );

describe('Prometheus on loopback', () => {
  it('listens on 127.0.0.1 and answers `up` for every target', async () => {
    expect(inject('prometheusUrl')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const up = await query('up');
    const jobs = new Map(up.data.result.map((r) => [r.metric.job, r.value[1]]));
    expect(jobs.get('kube-state-metrics')).toBe('1');
    expect(jobs.get('kube-apiserver')).toBe('1');
  });

  it('has kube-state-metrics series for the seeded workloads', async () => {
    const result = await seriesOf('kube_deployment_spec_replicas{namespace="shop",deployment="frontend"}');
    expect(result[0]?.value[1]).toBe('2');
  });

  it('has simulated kubelet resource metrics per node, from the pods\' usage', async () => {
    const result = await seriesOf('container_memory_working_set_bytes{namespace="shop",container="cart"}');
    expect(Number(result[0]?.value[1])).toBe(210 * 1024 * 1024);
    expect(result[0]?.metric.node).toMatch(/^worker-\d$/);
  });
});
