import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../tools/cluster/processes.js';
import { cleanEnv, runCli, STACK_FRAME } from '../helpers/cli.js';
import { writeKubeconfig } from '../helpers/kubeconfig.js';

const home = () => mkdtempSync(join(tmpdir(), 'k8sx-cli-'));

describe('the CLI on bad input: one clear message, non-zero exit, no stack', () => {
  it('no kubeconfig', async () => {
    const dir = home();
    const r = await runCli(['check'], cleanEnv({ HOME: dir }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('error: no Kubernetes cluster is configured');
    expect(r.stderr).toContain('fix:');
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('an unreachable API server', async () => {
    const port = await freePort();
    const r = await runCli(['check'], cleanEnv({ HOME: home(), KUBECONFIG: writeKubeconfig(`https://127.0.0.1:${port}`), K8S_EXPERTS_KUBE_TIMEOUT_MS: '3000' }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`https://127.0.0.1:${port}`);
    expect(r.stderr).toContain('did not answer');
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('a malformed config file', async () => {
    const dir = home();
    const file = join(dir, 'k8s-experts.yaml');
    writeFileSync(file, 'log: [level: debug\n');
    const r = await runCli(['--config', file, 'check'], cleanEnv({ HOME: dir }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/config file .* is not valid YAML/);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('a bad setting in the environment', async () => {
    const r = await runCli(['check'], cleanEnv({ HOME: home(), K8S_EXPERTS_LOG_LEVEL: 'loud' }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('K8S_EXPERTS_LOG_LEVEL');
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('an unknown command and an unknown component', async () => {
    const unknown = await runCli(['frobnicate'], cleanEnv({ HOME: home() }));
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const component = await runCli(['cluster', 'build', 'kubelet'], cleanEnv({ HOME: home() }));
    expect(component.code).not.toBe(0);
    expect(component.stderr).toContain('unknown component kubelet');
  });

  it('cluster kubeconfig when no demo cluster runs', async () => {
    const dir = home();
    const r = await runCli(['cluster', 'kubeconfig'], cleanEnv({ HOME: dir, K8S_EXPERTS_CLUSTER_DIR: join(dir, 'none') }));
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('the demo cluster is not running');
  });

  it('an unknown MCP server, and a network bind without a token', async () => {
    const unknown = await runCli(['mcp', 'kubectl'], cleanEnv({ HOME: home() }));
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('unknown MCP server "kubectl"');
    expect(unknown.stderr).toContain('choose one of: kubernetes, prometheus, helm, crew');
    const open = await runCli(['mcp', 'kubernetes', '--http', '--host', '0.0.0.0'], cleanEnv({ HOME: home() }));
    expect(open.code).not.toBe(0);
    expect(open.stderr).toContain('without authentication');
    expect(open.stderr).not.toMatch(STACK_FRAME);
  });
});
