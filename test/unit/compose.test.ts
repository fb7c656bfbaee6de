import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/cli.js';

describe('compose.yaml', () => {
  it('is a valid Compose file whose services run the one image (docker-compose config)', async () => {
    const { stdout } = await promisify(execFile)('docker-compose', ['-f', join(REPO_ROOT, 'compose.yaml'), 'config'], {
      env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', KUBECONFIG: '/tmp/kubeconfig' },
    }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') throw new Error('docker-compose is not installed: apt-get install docker-compose (.ci/run does)');
      throw e;
    });
    const config = parse(stdout) as { services: Record<string, { image: string; command: string[]; volumes: Array<{ source: string } | string> }> };
    expect(Object.keys(config.services).sort()).toEqual(['admin', 'check', 'dev', 'guardian', 'mcp-helm', 'mcp-kubernetes', 'mcp-prometheus', 'observability', 'ops', 'router', 'security']);
    expect(config.services.router?.command).toEqual(['agent', 'router']);
    expect(config.services['mcp-kubernetes']?.command).toEqual(['mcp', 'kubernetes', '--http']);
    for (const service of Object.values(config.services)) expect(service.image).toBe('k8s-experts:local');
    expect(JSON.stringify(config.services.check?.volumes)).toContain('/tmp/kubeconfig');
  });
});
