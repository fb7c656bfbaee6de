import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { cleanEnv, REPO_ROOT, runCli, STACK_FRAME } from '../helpers/cli.js';

/** The demo cluster's directories, so a command run with another HOME still finds it. */
const clusterEnv = () => ({ K8S_EXPERTS_CLUSTER_DIR: inject('clusterDir'), K8S_EXPERTS_CACHE_DIR: inject('cacheDir') });
const emptyHome = () => mkdtempSync(join(tmpdir(), 'k8sx-home-'));

describe('k8s-experts CLI against the demo cluster', () => {
  it('npm run --silent cluster:kubeconfig prints the path and nothing else', async () => {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '--silent', 'cluster:kubeconfig'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...clusterEnv() },
    });
    expect(stdout).toBe(`${inject('kubeconfig')}\n`);
    expect(stderr.replace(/npm warn .*\n/g, '')).toBe('');
  });

  it('cluster status says what runs where', async () => {
    const text = await runCli(['cluster', 'status'], cleanEnv({ HOME: emptyHome(), ...clusterEnv() }));
    expect(text.code).toBe(0);
    for (const name of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok-controller', 'kube-state-metrics', 'prometheus']) {
      expect(text.stdout).toMatch(new RegExp(`^${name}\\s+\\d+\\s+running`, 'm'));
    }
    const json = JSON.parse((await runCli(['cluster', 'status', '--json'], cleanEnv({ HOME: emptyHome(), ...clusterEnv() }))).stdout);
    expect(json.running).toBe(true);
    expect(json.nodes).toEqual({ total: 3, ready: 3 });
    expect(json.state.prometheusUrl).toBe(inject('prometheusUrl'));
  });

  it('cluster up on a running cluster reuses it', async () => {
    const r = await runCli(['cluster', 'up'], cleanEnv({ HOME: emptyHome(), ...clusterEnv() }));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('already up');
  });

  it('check reports the configured cluster', async () => {
    const r = await runCli(['check', '--json'], cleanEnv({ HOME: emptyHome(), KUBECONFIG: inject('kubeconfig') }));
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ source: 'KUBECONFIG', nodes: { total: 3, ready: 3 } });
    expect(out.version).toMatch(/^v1\.34\./);
  });

  it('start with no cluster configured uses the local demo cluster', async () => {
    const r = await runCli(['start'], cleanEnv({ HOME: emptyHome(), ...clusterEnv() }));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('using the local demo cluster');
    expect(r.stdout).toContain(`export KUBECONFIG=${inject('kubeconfig')}`);
  });

  it('start with a configured kubeconfig uses it, not the demo', async () => {
    const r = await runCli(['start'], cleanEnv({ HOME: emptyHome(), KUBECONFIG: inject('kubeconfig') }));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Using context "kwok-k8s-experts-demo" at https:\/\/127\.0\.0\.1:\d+ \(Kubernetes v1\.34/);
  });

  it('start with a wrong --context names the known ones', async () => {
    const r = await runCli(['--context', 'prod', 'start'], cleanEnv({ HOME: emptyHome(), KUBECONFIG: inject('kubeconfig') }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('context "prod"');
    expect(r.stderr).toContain('kwok-k8s-experts-demo');
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('rejects a bad --timeout', async () => {
    const r = await runCli(['cluster', 'up', '--timeout', 'soon'], cleanEnv({ HOME: emptyHome(), ...clusterEnv() }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--timeout must be a positive number');
  });
});
