import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { isAlive } from '../../tools/cluster/processes.js';
import { cleanEnv, runCli, STACK_FRAME } from '../helpers/cli.js';

/** Live processes whose command line mentions `dir` (zombies have an empty one). */
function processesUnder(dir: string): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        return cmd.includes(dir) ? [`${pid}: ${cmd.slice(0, 120)}`] : [];
      } catch {
        return [];
      }
    });
}

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
    // `up` saw it healthy; a status probe on a loaded machine may time out once (3 s per check): ask again.
    let status = JSON.parse((await runCli(['cluster', 'status', '--json'], env)).stdout);
    for (let i = 0; i < 10 && !status.running; i++) {
      await new Promise((r) => setTimeout(r, 2000));
      status = JSON.parse((await runCli(['cluster', 'status', '--json'], env)).stdout);
    }
    expect(status.running, JSON.stringify(status.health?.problems)).toBe(true);
    expect(status.state.prometheusUrl).not.toBe(inject('prometheusUrl'));
    const pids: number[] = status.state.processes.map((p: { pid: number }) => p.pid);
    expect(pids.length).toBe(8); // control plane (5), kube-state-metrics, metrics-server, Prometheus

    const down = await runCli(['cluster', 'down'], env);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain(`removed ${dir}`);
    for (const pid of pids) {
      // A stopped child may linger as a zombie until its new parent reaps it; it runs nothing.
      const alive = isAlive(pid) && existsSync(`/proc/${pid}/cmdline`) && readFileSync(`/proc/${pid}/cmdline`, 'utf8') !== '';
      expect(alive, `pid ${pid}`).toBe(false);
    }
    expect(existsSync(dir)).toBe(false);
    expect(processesUnder(dir)).toEqual([]);

    const again = await runCli(['cluster', 'down'], env);
    expect(again.stdout).toContain('nothing to stop');
  });

  it('a cluster that does not settle in time is stopped, with its logs kept and a clear message', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'k8sx-lifecycle-'));
    const dir = join(parent, 'cluster');
    const env = cleanEnv({ HOME: process.env.HOME ?? tmpdir(), K8S_EXPERTS_CLUSTER_DIR: dir, K8S_EXPERTS_CACHE_DIR: inject('cacheDir') });
    const up = await runCli(['cluster', 'up', '--timeout', '1'], env, 300_000);
    expect(up.code).not.toBe(0);
    expect(up.stderr).toMatch(/error: the demo cluster did not settle in 1 s: /);
    expect(up.stderr).toContain(join(parent, 'demo-cluster-failed-logs'));
    expect(up.stderr).not.toMatch(STACK_FRAME);
    expect(existsSync(join(parent, 'demo-cluster-failed-logs', 'kube-apiserver.log'))).toBe(true);
    expect(existsSync(dir)).toBe(false);
    expect(processesUnder(dir)).toEqual([]);
    const status = await runCli(['cluster', 'status', '--json'], env);
    expect(JSON.parse(status.stdout)).toEqual({ running: false });
  });
});
