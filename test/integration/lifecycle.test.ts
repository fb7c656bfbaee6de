import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { isAlive } from '../../tools/cluster/processes.js';
import { cleanEnv, runCli } from '../helpers/cli.js';

/**
 * A second, private demo cluster (own state dir, ports the first one leaves free): `up` brings
 * it to the seeded state, `down` stops every process it started, by PID, and removes its dirs.
 */
describe('cluster up / down lifecycle', () => {
  it('starts a second cluster beside the first and stops all of it', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'k8sx-lifecycle-')), 'cluster');
    const env = cleanEnv({ HOME: process.env.HOME ?? tmpdir(), K8S_EXPERTS_CLUSTER_DIR: dir, K8S_EXPERTS_CACHE_DIR: inject('cacheDir') });

    const up = await runCli(['cluster', 'up'], env, 300_000);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/The demo cluster is up in [\d.]+ s/);
    const status = JSON.parse((await runCli(['cluster', 'status', '--json'], env)).stdout);
    expect(status.running).toBe(true);
    expect(status.state.prometheusUrl).not.toBe(inject('prometheusUrl'));
    const pids: number[] = status.state.processes.map((p: { pid: number }) => p.pid);
    expect(pids.length).toBe(7);

    const down = await runCli(['cluster', 'down'], env);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain(`removed ${dir}`);
    for (const pid of pids) {
      // A stopped child may linger as a zombie until its new parent reaps it; it runs nothing.
      const alive = isAlive(pid) && existsSync(`/proc/${pid}/cmdline`) && readFileSync(`/proc/${pid}/cmdline`, 'utf8') !== '';
      expect(alive, `pid ${pid}`).toBe(false);
    }
    expect(existsSync(dir)).toBe(false);

    const again = await runCli(['cluster', 'down'], env);
    expect(again.stdout).toContain('nothing to stop');
  });
});
