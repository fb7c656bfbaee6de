/**
 * The watch a crew process runs, for whoever reports on it in the same process (the observability
 * agent's `watch` skill): one at a time, set by the crew when watch.enabled and cleared when it
 * stops. A specialist in another process sees none and says so.
 */
import type { WatchFinding } from './findings.js';
import type { Watch } from './loop.js';

let active: Watch | undefined;

export function setActiveWatch(watch: Watch | undefined): void {
  active = watch;
}

export function activeWatch(): Watch | undefined {
  return active;
}

export interface WatchReport {
  text: string;
  data: { skill: 'watch'; running: boolean; namespaces: string[]; lastTick: string | null; failures: string[]; findings: WatchFinding[] };
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/** "watch: N open findings since …" as a kubectl-like table, with every finding in the data part. */
export function renderWatchReport(watch: Watch | undefined): WatchReport {
  if (!watch) {
    return {
      text: 'The watch is not running in this process. Turn it on with watch.enabled: true (or K8S_EXPERTS_WATCH=true) and start the crew with `k8s-experts start`.',
      data: { skill: 'watch', running: false, namespaces: [], lastTick: null, failures: [], findings: [] },
    };
  }
  const findings = watch.open();
  const last = watch.last();
  const where = watch.namespaces().length ? `namespaces ${watch.namespaces().join(', ')}` : 'the whole cluster';
  const lines: string[] = [];
  if (!last) lines.push(`The watch over ${where} has not finished its first round yet.`);
  else if (!findings.length) lines.push(`Watch over ${where}: no open findings (last checked ${iso(last.at)} UTC).`);
  else {
    const since = Math.min(...findings.map((f) => f.firstSeen));
    lines.push(`Watch over ${where}: ${findings.length} open finding${findings.length === 1 ? '' : 's'} since ${iso(since)} UTC (last checked ${iso(last.at)} UTC):`);
    const rows = findings.map((f) => [f.severity.toUpperCase(), f.object, iso(f.firstSeen).slice(5, 16), f.summary.replace(/\s+/g, ' ').slice(0, 120)]);
    const head = ['SEVERITY', 'OBJECT', 'FIRST SEEN', 'SUMMARY'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const r of [head, ...rows]) lines.push(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
  }
  if (last?.failures.length) lines.push(`Checks that failed in the last round: ${last.failures.join('; ')}.`);
  return {
    text: lines.join('\n'),
    data: { skill: 'watch', running: true, namespaces: watch.namespaces(), lastTick: last ? new Date(last.at).toISOString() : null, failures: last?.failures ?? [], findings },
  };
}
