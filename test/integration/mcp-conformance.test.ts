import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT, startHttpServer } from '../helpers/cli.js';

describe.each(['kubernetes', 'helm', 'prometheus'])('MCP conformance suite (@modelcontextprotocol/conformance 0.1.13): %s', (name) => {
  let server: { proc: ChildProcess; url: string };
  beforeAll(async () => {
    server = await startHttpServer(name, {
      HOME: mkdtempSync(join(tmpdir(), 'k8sx-conf-')),
      KUBECONFIG: inject('kubeconfig'),
      K8S_EXPERTS_PROMETHEUS_URL: inject('prometheusUrl'),
      K8S_EXPERTS_HELM: inject('helm'),
    });
  });
  afterAll(() => {
    server.proc.kill('SIGTERM');
  });

  it('passes every scenario but the fixture ones in the baseline', async () => {
    const bin = join(REPO_ROOT, 'node_modules', '.bin', 'conformance');
    const result = await promisify(execFile)(
      bin,
      ['server', '--url', server.url, '--expected-failures', join(REPO_ROOT, 'test', 'conformance', 'baseline.yml'), '-o', mkdtempSync(join(tmpdir(), 'k8sx-conf-out-'))],
      { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
    ).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
    );
    expect(result.out).toContain('Baseline check passed');
    expect(result.code, result.out.slice(-3000)).toBe(0);
  });
});
