/**
 * A private Prometheus holding synthetic history, for tests of forecasts and anomalies: the
 * demo cluster's Prometheus has only minutes of real data. Series are written as OpenMetrics,
 * turned into TSDB blocks by Debian's `promtool tsdb create-blocks-from openmetrics`, and served
 * by Debian's `prometheus` on 127.0.0.1 at a free port with no scrape jobs (nothing but the
 * planted data). Every command runs from an argument array.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '../../tools/cluster/processes.js';
import { freePort } from './cli.js';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const PROMTOOL_BIN = '/usr/bin/promtool';

export interface SyntheticSeries {
  name: string;
  labels: Record<string, string>;
  /** [unix seconds, value], in time order. */
  points: Array<[number, number]>;
}

export interface HistoryPrometheus {
  url: string;
  /** Kills the server, waits for it to exit, removes its data. */
  stop: () => Promise<void>;
}

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** The series as an OpenMetrics text (untyped families, one sample per line, `# EOF` at the end). */
export function openMetrics(series: SyntheticSeries[]): string {
  const lines: string[] = [];
  const byName = new Map<string, SyntheticSeries[]>();
  for (const s of series) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  // A family's samples must be contiguous: all series of one name together.
  for (const [name, group] of byName) {
    for (const s of group) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${escape(v)}"`)
        .join(',');
      for (const [t, v] of s.points) lines.push(`${name}{${labels}} ${v} ${t}`);
    }
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}

/** Writes the blocks and starts Prometheus on them; waits for /-/ready. */
export async function startHistoryPrometheus(series: SyntheticSeries[], timeoutMs = 60_000): Promise<HistoryPrometheus> {
  for (const bin of [PROMETHEUS_BIN, PROMTOOL_BIN]) if (!existsSync(bin)) throw new Error(`${bin} is missing: install Debian's prometheus package (apt-get install prometheus)`);
  const dir = mkdtempSync(join(tmpdir(), 'k8sx-promhist-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  const input = join(dir, 'history.om');
  writeFileSync(input, openMetrics(series));
  await promisify(execFile)(PROMTOOL_BIN, ['tsdb', 'create-blocks-from', 'openmetrics', input, data], { maxBuffer: 16 * 1024 * 1024 });
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, 'global:\n  scrape_interval: 1m\n');
  const port = await freePort();
  const log: string[] = [];
  const proc: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [`--config.file=${config}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=30d', '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  proc.stderr?.on('data', (b: Buffer) => {
    log.push(b.toString());
    if (log.length > 50) log.shift();
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      `the private Prometheus at ${url} to be ready`,
      async () => {
        if (proc.exitCode !== null) throw new Error(`prometheus exited (${proc.exitCode}): ${log.join('').slice(-2000)}`);
        const r = await fetch(`${url}/-/ready`).catch(() => undefined);
        return r?.ok ? true : undefined;
      },
      timeoutMs,
      250,
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, stop };
}
