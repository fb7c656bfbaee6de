/**
 * The watch loop: every `intervalSeconds` it runs the ops analyzers (one snapshot through the
 * kubernetes MCP read tools, analyzeSnapshot) and, with a Prometheus, the anomaly check over the
 * last hour, for the whole cluster or each listed namespace; keeps the open problems in memory,
 * de-duplicated by a stable key (findings.ts), and logs each new and each resolved one as a JSON
 * log line (`watch: new finding` / `watch: resolved`). Read-only: it only calls read tools.
 *
 * Ticks never overlap: the next is scheduled when one ends. A check that fails (a namespace that
 * cannot be read, Prometheus down) is logged and leaves that part's open problems open.
 */
import type { Logger } from 'pino';
import { findAnomalies } from '../../agents/observability/anomalies-run.js';
import { collectSnapshot } from '../../agents/ops/analyzers/collector.js';
import { analyzeSnapshot } from '../../agents/ops/analyzers/index.js';
import type { AnalyzerFinding } from '../../agents/ops/analyzers/types.js';
import { errorMessage } from '../errors.js';
import type { ToolBox } from '../reasoning/engine.js';
import { type Observation, reconcile, unitOf, type WatchFinding } from './findings.js';

export interface WatchOptions {
  /** The kubernetes MCP server's tools (k8s_list, k8s_get, k8s_events, k8s_logs, k8s_namespaces). */
  kubernetes: ToolBox | undefined;
  /** The prometheus MCP server's tools (prom_query_range); no anomaly check without. */
  prometheus?: ToolBox | undefined;
  /** Namespaces to watch; empty for the whole cluster. */
  namespaces: string[];
  intervalSeconds: number;
  logger: Logger;
  /** Unix milliseconds; a fake clock in tests. */
  now?: () => number;
  /** Objects per kind per snapshot (default 200). */
  limit?: number;
}

export interface TickResult {
  at: number;
  opened: WatchFinding[];
  resolved: WatchFinding[];
  /** Checks that failed this tick, in words. */
  failures: string[];
}

export interface Watch {
  /** One round of every check; what changed. Also what the timer runs. */
  tick(signal?: AbortSignal): Promise<TickResult>;
  /** The open problems, most severe first, then oldest. */
  open(): WatchFinding[];
  /** The last tick's time and failures, undefined before the first. */
  last(): { at: number; failures: string[] } | undefined;
  namespaces(): string[];
  start(): void;
  /** Stops the timer and waits for a running tick to end (it is aborted). */
  stop(): Promise<void>;
}

/** The anomaly check judges this much history. */
const ANOMALY_WINDOW = 3600;
const SEVERITY_RANK = ['critical', 'high', 'medium', 'low'];

/** An analyzer finding as an observation: keyed by the analyzer and its object. */
export function analyzerObservation(f: AnalyzerFinding): Observation {
  const ns = f.object.namespace ?? '';
  return {
    key: `analyzer|${f.analyzer}|${f.object.kind}/${ns}/${f.object.name}`,
    source: 'analyzer',
    namespace: ns,
    severity: f.severity,
    object: `${f.object.kind} ${ns ? `${ns}/` : ''}${f.object.name}`,
    summary: f.summary,
    detail: f,
  };
}

export function createWatch(options: WatchOptions): Watch {
  const now = options.now ?? Date.now;
  const scopes: Array<string | undefined> = options.namespaces.length ? [...new Set(options.namespaces)] : [undefined];
  let open = new Map<string, WatchFinding>();
  let last: { at: number; failures: string[] } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const controller = new AbortController();
  const log = options.logger.child({ component: 'watch' });

  async function tick(signal: AbortSignal = controller.signal): Promise<TickResult> {
    const observed: Observation[] = [];
    const checked = new Set<string>();
    const failures: string[] = [];
    for (const namespace of scopes) {
      const where = namespace ? `namespace ${namespace}` : 'the cluster';
      if (!options.kubernetes) failures.push(`analyzers on ${where}: no kubernetes MCP server`);
      else {
        try {
          const { snapshot } = await collectSnapshot(options.kubernetes, { ...(namespace ? { namespace } : {}), ...(options.limit ? { limit: options.limit } : {}), signal });
          // Without pods (or with only some) absence proves nothing: keep what is open.
          if (snapshot.unreadable?.includes('pods') || snapshot.partial?.includes('pods')) failures.push(`analyzers on ${where}: pods not (fully) readable`);
          else checked.add(unitOf('analyzer', namespace));
          // Hygiene notes (unused ConfigMaps, the default ServiceAccount) are not problems to publish.
          observed.push(...analyzeSnapshot(snapshot, { now: now() }).findings.filter((f) => !f.hygiene).map(analyzerObservation));
        } catch (e) {
          signal.throwIfAborted();
          failures.push(`analyzers on ${where}: ${errorMessage(e)}`);
        }
      }
      if (!options.prometheus) continue;
      try {
        const scope = namespace ? ({ kind: 'namespace', namespace } as const) : ({ kind: 'pods' } as const);
        const { found } = await findAnomalies(options.prometheus, scope, { window: ANOMALY_WINDOW, end: Math.floor(now() / 1000), signal });
        checked.add(unitOf('anomaly', namespace));
        for (const a of found) {
          observed.push({
            key: `anomaly|${a.metric}|${a.namespace}/${a.pod}`,
            source: 'anomaly',
            namespace: a.namespace,
            severity: 'medium',
            object: `pod ${a.namespace}/${a.pod} ${a.metric}`,
            summary: a.reason,
            detail: a,
          });
        }
      } catch (e) {
        signal.throwIfAborted();
        failures.push(`anomaly check on ${where}: ${errorMessage(e)}`);
      }
    }
    const at = now();
    const r = reconcile(open, observed, checked, at);
    open = r.open;
    last = { at, failures };
    for (const f of r.opened) log.warn({ watch: 'new', key: f.key, severity: f.severity, object: f.object, summary: f.summary, firstSeen: new Date(f.firstSeen).toISOString() }, 'watch: new finding');
    for (const f of r.resolved) log.info({ watch: 'resolved', key: f.key, object: f.object, firstSeen: new Date(f.firstSeen).toISOString(), resolvedAt: new Date(f.resolvedAt!).toISOString() }, 'watch: resolved');
    for (const failure of failures) log.warn({ watch: 'check-failed', failure }, 'watch: a check failed');
    return { at, opened: r.opened, resolved: r.resolved, failures };
  }

  /** The next tick after `delayMs`; ticks never overlap. */
  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick()
        .catch((e: unknown) => {
          if (!controller.signal.aborted) log.error({ err: e }, 'watch: tick failed');
        })
        .finally(() => {
          running = undefined;
          schedule(options.intervalSeconds * 1000);
        });
    }, delayMs);
    // The watch alone must not keep a process alive.
    timer.unref();
  };

  return {
    tick,
    open: () => [...open.values()].sort((a, b) => SEVERITY_RANK.indexOf(a.severity) - SEVERITY_RANK.indexOf(b.severity) || a.firstSeen - b.firstSeen),
    last: () => last,
    namespaces: () => scopes.filter((s): s is string => s !== undefined),
    start() {
      if (timer || stopped) return;
      log.info({ watch: 'start', namespaces: options.namespaces, intervalSeconds: options.intervalSeconds, anomalies: Boolean(options.prometheus) }, 'watch: started');
      // The first tick soon after start, then every interval.
      schedule(1000);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      controller.abort(new Error('the watch was stopped'));
      await running;
    },
  };
}
