import { describe, expect, it } from 'vitest';
import { pickSkill } from '../../agents/observability/skills.js';
import type { AnalyzerFinding } from '../../agents/ops/analyzers/types.js';
import { loadConfig } from '../../shared/config.js';
import { UserError } from '../../shared/errors.js';
import { createLogger } from '../../shared/logger.js';
import { type Observation, reconcile, unitOf, type WatchFinding } from '../../shared/watch/findings.js';
import { renderWatchReport } from '../../shared/watch/index.js';
import { analyzerObservation, createWatch, type Watch } from '../../shared/watch/loop.js';

const obs = (key: string, namespace = 'shop', source: Observation['source'] = 'analyzer'): Observation => ({ key, source, namespace, severity: 'high', object: `Service ${namespace}/${key}`, summary: `${key} is broken` });
const checkedShop = new Set([unitOf('analyzer', 'shop')]);

describe('reconcile (the watch de-duplication, fake clock)', () => {
  it('reports a problem once, keeps its first-seen time, moves last-seen, and resolves it when gone', () => {
    const first = reconcile(new Map(), [obs('a'), obs('a')], checkedShop, 1000);
    expect(first.opened.map((f) => f.key)).toEqual(['a']);
    expect(first.open.get('a')).toMatchObject({ firstSeen: 1000, lastSeen: 1000 });

    const second = reconcile(first.open, [obs('a')], checkedShop, 2000);
    expect(second.opened).toEqual([]);
    expect(second.resolved).toEqual([]);
    expect(second.open.get('a')).toMatchObject({ firstSeen: 1000, lastSeen: 2000 });

    const third = reconcile(second.open, [], checkedShop, 3000);
    expect(third.resolved).toEqual([expect.objectContaining({ key: 'a', firstSeen: 1000, lastSeen: 2000, resolvedAt: 3000 })]);
    expect(third.open.size).toBe(0);

    const back = reconcile(third.open, [obs('a')], checkedShop, 4000);
    expect(back.opened).toEqual([expect.objectContaining({ key: 'a', firstSeen: 4000 })]);
  });

  it('keeps open what belongs to a part that was not checked this tick', () => {
    const open = reconcile(new Map(), [obs('a', 'shop'), obs('b', 'web'), obs('c', 'shop', 'anomaly')], new Set([unitOf('analyzer', 'shop'), unitOf('analyzer', 'web'), unitOf('anomaly', 'shop')]), 1000).open;
    const r = reconcile(open, [], checkedShop, 2000);
    expect(r.resolved.map((f) => f.key)).toEqual(['a']);
    expect([...r.open.keys()].sort()).toEqual(['b', 'c']);
    // A whole-cluster check covers every namespace of its source.
    expect(reconcile(open, [], new Set([unitOf('anomaly', undefined)]), 3000).resolved.map((f) => f.key)).toEqual(['c']);
  });

  it('does not mutate the open set it is given', () => {
    const open = reconcile(new Map(), [obs('a')], checkedShop, 1000).open;
    reconcile(open, [], checkedShop, 2000);
    expect(open.has('a')).toBe(true);
  });
});

describe('analyzerObservation', () => {
  it('keys by analyzer and object, so a changed summary is the same problem', () => {
    const f: AnalyzerFinding = { object: { kind: 'Service', namespace: 'shop', name: 'cart' }, analyzer: 'service-no-endpoints', severity: 'high', summary: 'no endpoints', evidence: [], chain: [], fix: { text: 'x' } };
    expect(analyzerObservation(f).key).toBe('analyzer|service-no-endpoints|Service/shop/cart');
    expect(analyzerObservation({ ...f, summary: 'still no endpoints' }).key).toBe(analyzerObservation(f).key);
    expect(analyzerObservation({ ...f, object: { kind: 'Node', name: 'n1' } })).toMatchObject({ namespace: '', object: 'Node n1' });
  });
});

describe('the watch without tools', () => {
  it('a tick with no MCP server fails its checks and resolves nothing', async () => {
    let clock = 5000;
    const watch = createWatch({ kubernetes: undefined, namespaces: ['shop'], intervalSeconds: 60, logger: createLogger({ level: 'silent' }), now: () => clock });
    const r = await watch.tick();
    expect(r.failures).toEqual(['analyzers on namespace shop: no kubernetes MCP server']);
    expect(watch.last()).toEqual({ at: 5000, failures: r.failures });
    clock += 1;
    expect(renderWatchReport(watch).text).toContain('Checks that failed in the last round: analyzers on namespace shop: no kubernetes MCP server');
    await watch.stop();
  });
});

describe('renderWatchReport', () => {
  it('says how to turn the watch on when none runs', () => {
    expect(renderWatchReport(undefined)).toMatchObject({ data: { running: false } });
    expect(renderWatchReport(undefined).text).toContain('K8S_EXPERTS_WATCH=true');
  });
  it('lists the open findings since the oldest first-seen time', () => {
    const at = Date.UTC(2026, 10, 22, 12, 0, 0);
    const findings: WatchFinding[] = [{ ...obs('cart'), firstSeen: at - 600_000, lastSeen: at }];
    const watch: Watch = { tick: () => Promise.reject(new Error('unused')), open: () => findings, last: () => ({ at, failures: [] }), namespaces: () => ['shop'], start: () => {}, stop: () => Promise.resolve() };
    const r = renderWatchReport(watch);
    expect(r.text.split('\n')[0]).toBe('Watch over namespaces shop: 1 open finding since 2026-11-22 11:50:00 UTC (last checked 2026-11-22 12:00:00 UTC):');
    expect(r.text).toMatch(/HIGH\s+Service shop\/cart\s+11-22 11:50\s+cart is broken/);
    expect(r.data.findings).toHaveLength(1);
  });
});

describe('watch config', () => {
  it('is off by default, on from the environment, and refuses an interval under 30 s', () => {
    expect(loadConfig({ env: {}, cwd: '/nonexistent' }).watch).toEqual({ enabled: false, intervalSeconds: 300, namespaces: [] });
    expect(loadConfig({ env: { K8S_EXPERTS_WATCH: 'true', K8S_EXPERTS_WATCH_INTERVAL_SECONDS: '60' }, cwd: '/nonexistent' }).watch).toMatchObject({ enabled: true, intervalSeconds: 60 });
    expect(() => loadConfig({ env: { K8S_EXPERTS_WATCH_INTERVAL_SECONDS: '10' }, cwd: '/nonexistent' })).toThrow(UserError);
    expect(() => loadConfig({ env: { K8S_EXPERTS_WATCH_INTERVAL_SECONDS: '10' }, cwd: '/nonexistent' })).toThrow(/watch\.intervalSeconds \(from env K8S_EXPERTS_WATCH_INTERVAL_SECONDS\)/);
  });
});

describe('the observability agent\'s watch skill', () => {
  it('is picked for questions about the watch, not for "watch" as a verb about metrics', () => {
    expect(pickSkill('What did the watch find?', [])).toBe('watch');
    expect(pickSkill('show the watch findings', [])).toBe('watch');
    expect(pickSkill('anything new from the watch loop?', [])).toBe('watch');
    expect(pickSkill('', [{ skill: 'watch' }])).toBe('watch');
    expect(pickSkill('watch the memory of cart', [])).toBe('metrics-query');
  });
});
