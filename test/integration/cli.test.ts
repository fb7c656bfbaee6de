import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { anyPortConfig, cleanEnv, REPO_ROOT, runCli, STACK_FRAME, startCrewProcess } from '../helpers/cli.js';

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

  it('npx k8s-experts runs the built CLI (it is executable, with its shebang)', async () => {
    const { stdout } = await promisify(execFile)('npx', ['--no-install', 'k8s-experts', '--version'], { cwd: REPO_ROOT, env: { ...process.env, ...clusterEnv() } });
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
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

  it('start with no cluster configured uses the demo cluster and runs the crew until Ctrl-C; ask gets answers from it', async () => {
    const dir = emptyHome();
    const crew = await startCrewProcess(['--config', anyPortConfig(dir)], { HOME: dir, ...clusterEnv() });
    try {
      expect(crew.stdout()).toContain('using the local demo cluster');
      for (const name of ['mcp kubernetes', 'mcp helm', 'mcp prometheus', 'ops', 'observability', 'security', 'dev', 'admin', 'guardian', 'router', 'query']) crew.url(name);
      const env = cleanEnv({ HOME: dir });
      const answer = await runCli(['ask', '--url', crew.url('router'), 'How many pods are in the default namespace?'], env);
      expect(answer.code, answer.stderr).toBe(0);
      expect(answer.stdout).toBe('2\n\n— answered by ops\n');
      expect(answer.stderr).toContain('… asking ops (cluster-query)');
      const json = await runCli(['ask', '--json', '--url', crew.url('router'), 'What is the status of the pod named redis?'], env);
      expect(JSON.parse(json.stdout).data.agents).toEqual(['ops']);
      const res = await fetch(crew.url('query'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": "How many nodes are there in the cluster?"}' });
      expect(await res.json()).toEqual({ query: 'How many nodes are there in the cluster?', answer: '3' });
      // Every query, tool call and answer lands in agent.log.
      const log = readFileSync(join(dir, 'agent.log'), 'utf8');
      expect(log).toContain('"msg":"query received"');
      expect(log).toContain('"tool":"k8s_list"');
      expect(log).toContain('"answer":"3"');
    } finally {
      crew.proc.kill('SIGINT');
    }
    const code = await new Promise<number | null>((resolve) => crew.proc.once('exit', resolve));
    expect(code).toBe(0);
  });

  it('start with a configured kubeconfig uses it, not the demo', async () => {
    const dir = emptyHome();
    const crew = await startCrewProcess(['--config', anyPortConfig(dir)], { HOME: dir, KUBECONFIG: inject('kubeconfig') });
    crew.proc.kill('SIGINT');
    expect(await new Promise<number | null>((resolve) => crew.proc.once('exit', resolve))).toBe(0);
    expect(crew.stdout()).toMatch(/Cluster: context "kwok-k8s-experts-demo" at https:\/\/127\.0\.0\.1:\d+ \(Kubernetes v1\.34/);
    expect(crew.stdout()).not.toContain('demo cluster');
    // No Prometheus configured (and no demo cluster to borrow one from): the crew runs without it and says so.
    expect(crew.stdout()).toMatch(/^mcp prometheus\s+MCP\s+\(off: set prometheus\.url/m);
  });

  it('ask without a running router says how to start one', async () => {
    const r = await runCli(['ask', '--url', 'http://127.0.0.1:9', 'How many pods?'], cleanEnv({ HOME: emptyHome() }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/the router at http:\/\/127\.0\.0\.1:9 does not answer/);
    expect(r.stderr).toContain('k8s-experts start');
    expect(r.stderr).not.toMatch(STACK_FRAME);
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
