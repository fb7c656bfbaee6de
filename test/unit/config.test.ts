import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import { UserError } from '../../shared/errors.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'k8sx-config-'));
}

function loadError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig', () => {
  it('runs on defaults with no file and no env', () => {
    const cwd = tempDir();
    const config = loadConfig({ env: { HOME: cwd }, cwd });
    expect(config.log.level).toBe('info');
    expect(config.kubernetes.timeoutMs).toBe(10_000);
    expect(config.kubernetes.kubeconfig).toBeUndefined();
    expect(config.prometheus.url).toBeUndefined();
  });

  it('reads ./k8s-experts.yaml and lets env vars override it', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'k8s-experts.yaml'), 'log:\n  level: debug\n  file: logs/agent.log\nkubernetes:\n  context: prod\n');
    const config = loadConfig({ env: { K8S_EXPERTS_CONTEXT: 'staging', K8S_EXPERTS_KUBE_TIMEOUT_MS: '2500' }, cwd });
    expect(config.log.level).toBe('debug');
    expect(config.log.file).toBe(join(cwd, 'logs', 'agent.log'));
    expect(config.kubernetes.context).toBe('staging');
    expect(config.kubernetes.timeoutMs).toBe(2500);
  });

  it('names the env var and the allowed values for a bad log level', () => {
    const e = loadError(() => loadConfig({ env: { K8S_EXPERTS_LOG_LEVEL: 'verbose' }, cwd: tempDir() }));
    expect(e.message).toContain('log.level');
    expect(e.message).toContain('K8S_EXPERTS_LOG_LEVEL');
    expect(e.message).toMatch(/debug/);
    expect(e.fix).toBeTruthy();
  });

  it('names an unknown key and the file it is in', () => {
    const cwd = tempDir();
    const file = join(cwd, 'conf.yaml');
    writeFileSync(file, 'kubernetes:\n  contxt: prod\n');
    const e = loadError(() => loadConfig({ file, env: {}, cwd }));
    expect(e.message).toContain('unknown setting kubernetes.contxt');
    expect(e.message).toContain(file);
  });

  it('reports malformed YAML with its line', () => {
    const cwd = tempDir();
    const file = join(cwd, 'broken.yaml');
    writeFileSync(file, 'log:\n  level: info\n   file: [unclosed\n');
    const e = loadError(() => loadConfig({ file, env: {}, cwd }));
    expect(e.message).toMatch(/is not valid YAML at line \d/);
    expect(e.message).toContain(file);
  });

  it('rejects a file that is not a mapping', () => {
    const cwd = tempDir();
    const file = join(cwd, 'list.yaml');
    writeFileSync(file, '- a\n- b\n');
    expect(loadError(() => loadConfig({ file, env: {}, cwd })).message).toContain('mapping of settings, not a list');
  });

  it('rejects a Prometheus URL that is not http(s)', () => {
    const e = loadError(() => loadConfig({ env: { K8S_EXPERTS_PROMETHEUS_URL: 'ftp://x' }, cwd: tempDir() }));
    expect(e.message).toContain('prometheus.url');
    expect(e.message).toContain('K8S_EXPERTS_PROMETHEUS_URL');
  });

  it('rejects a timeout that is not a number', () => {
    const e = loadError(() => loadConfig({ env: { K8S_EXPERTS_KUBE_TIMEOUT_MS: 'soon' }, cwd: tempDir() }));
    expect(e.message).toContain('kubernetes.timeoutMs');
  });

  it('fails clearly when the named config file does not exist', () => {
    const e = loadError(() => loadConfig({ env: { K8S_EXPERTS_CONFIG: '/nonexistent/k8sx.yaml' }, cwd: tempDir() }));
    expect(e.message).toContain('/nonexistent/k8sx.yaml does not exist');
  });
});
