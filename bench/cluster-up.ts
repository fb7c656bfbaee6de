/**
 * How fast the demo cluster comes up with a warm binary cache, and how much memory it holds.
 * Runs a private cluster (its own state dir and ports) so it never touches the one you use.
 *   npm run bench:cluster [-- --runs 3]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { clusterPaths } from '../tools/cluster/paths.js';
import { readClusterState } from '../tools/cluster/state.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '1' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 10) {
  console.error('--runs must be a whole number from 1 to 10');
  process.exit(2);
}

const cli = join(import.meta.dirname, '..', 'cli', 'main.js');
const rssKiB = (pid: number): number => {
  const file = `/proc/${pid}/status`;
  if (!existsSync(file)) return 0;
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(file, 'utf8'))?.[1] ?? 0);
};

for (let i = 1; i <= runs; i++) {
  const dir = join(mkdtempSync(join(tmpdir(), 'k8sx-bench-')), 'cluster');
  const env = { ...process.env, K8S_EXPERTS_CLUSTER_DIR: dir };
  const t0 = performance.now();
  const up = spawnSync(process.execPath, [cli, 'cluster', 'up'], { env, encoding: 'utf8' });
  const upSeconds = (performance.now() - t0) / 1000;
  if (up.status !== 0) {
    console.error(up.stderr);
    process.exit(1);
  }
  const state = readClusterState(clusterPaths(env));
  const memory = (state?.processes ?? []).map((p) => ({ name: p.name, rssMiB: Math.round(rssKiB(p.pid) / 1024) }));
  const t1 = performance.now();
  spawnSync(process.execPath, [cli, 'cluster', 'down'], { env, encoding: 'utf8' });
  const downSeconds = (performance.now() - t1) / 1000;
  const total = memory.reduce((sum, m) => sum + m.rssMiB, 0);
  console.log(`run ${i}: cluster up ${upSeconds.toFixed(1)} s, down ${downSeconds.toFixed(1)} s, RSS ${total} MiB`);
  for (const m of memory) console.log(`  ${m.name.padEnd(24)} ${String(m.rssMiB).padStart(5)} MiB`);
  console.log(JSON.stringify({ bench: 'cluster-up', run: i, upSeconds: Number(upSeconds.toFixed(2)), downSeconds: Number(downSeconds.toFixed(2)), rssMiB: total, memory }));
}
