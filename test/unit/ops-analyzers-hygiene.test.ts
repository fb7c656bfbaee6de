/**
 * The hygiene analyzers (unused/empty ConfigMaps, kube-root-ca.crt, the default ServiceAccount),
 * the failed Job's pod chain, duplicate node conditions, and how hygiene notes are ranked and
 * announced. Pure: snapshots as the collector builds them.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { keysOnly } from '../../agents/ops/analyzers/collector.js';
import { analyzeDefaultServiceAccount, serviceAccountOf } from '../../agents/ops/analyzers/default-service-account.js';
import { analyzeSnapshot, renderFindings } from '../../agents/ops/analyzers/index.js';
import { analyzeJobs } from '../../agents/ops/analyzers/jobs.js';
import { analyzeNodes } from '../../agents/ops/analyzers/node.js';
import { runAnalyze } from '../../agents/ops/analyzers/run.js';
import type { Snapshot } from '../../agents/ops/analyzers/types.js';
import { analyzeUnusedConfigMaps } from '../../agents/ops/analyzers/unused-configmaps.js';
import type { Pod } from '../../agents/ops/kube-objects.js';
import type { ToolBox } from '../../shared/reasoning/engine.js';

const NS = 'shop';
const o = { now: Date.parse('2026-11-22T12:00:00Z') };
const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: NS, ...extra });
/** The token volume the API server injects into a pod that automounts. */
const tokenVolume = { name: 'kube-api-access-x1y2z', projected: { sources: [{ serviceAccountToken: { path: 'token' } }, { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }] } };
const pod = (name: string, spec: Record<string, unknown>, owner?: { kind: string; name: string }): Pod =>
  ({ metadata: { ...meta(name), ...(owner ? { ownerReferences: [owner] } : {}) }, spec: { nodeName: 'n1', ...spec }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }] } }) as Pod;
const cm = (name: string, keys: string[], extra: Record<string, unknown> = {}) => ({ metadata: meta(name, extra), keys });
const ids = (fs: Array<{ analyzer: string; object: { name: string } }>) => fs.map((f) => `${f.analyzer} ${f.object.name}`);

describe('unused ConfigMaps', () => {
  it('flags one nothing reads; not one read by an init container, a projected volume, an optional ref or a template with no pods', () => {
    const s: Snapshot = {
      configmaps: [cm('legacy', ['A']), cm('init-only', ['sql']), cm('projected', ['x']), cm('optional', ['y']), cm('scaled-to-zero', ['z']), cm('dashboards', ['d'], { labels: { grafana_dashboard: '1' } })],
      pods: [pod('api-1', { initContainers: [{ name: 'm', envFrom: [{ configMapRef: { name: 'init-only' } }] }], containers: [{ name: 'app', env: [{ name: 'Y', valueFrom: { configMapKeyRef: { name: 'optional', key: 'y', optional: true } } }] }], volumes: [{ name: 'p', projected: { sources: [{ configMap: { name: 'projected' } }] } }] })],
      deployments: [{ metadata: meta('batch'), spec: { replicas: 0, template: { spec: { containers: [{ name: 'b', envFrom: [{ configMapRef: { name: 'scaled-to-zero' } }] }] } } } }],
    };
    const fs = analyzeUnusedConfigMaps(s, o);
    expect(ids(fs)).toEqual(['configmap-unused legacy']);
    expect(fs[0]).toMatchObject({ severity: 'low', hygiene: true, object: { kind: 'ConfigMap', name: 'legacy', namespace: NS }, chain: ['ConfigMap shop/legacy: no reader'], fix: { command: ['kubectl', 'delete', 'configmap', 'legacy', '-n', NS] } });
    expect(fs[0]!.evidence).toContain('keys: A');
  });

  it('an empty ConfigMap, read or not; an owned one says its owner may read it', () => {
    const s: Snapshot = { configmaps: [cm('blank', []), cm('leader', ['holder'], { ownerReferences: [{ kind: 'Deployment', name: 'op' }] })], pods: [pod('a', { containers: [{ name: 'app', envFrom: [{ configMapRef: { name: 'blank' } }] }] })] };
    const fs = analyzeUnusedConfigMaps(s, o);
    expect(ids(fs)).toEqual(['configmap-empty blank', 'configmap-unused leader']);
    expect(fs[0]!.summary).toBe('ConfigMap shop/blank has no keys, yet Pod a (container app envFrom) read(s) it.');
    expect(fs[1]!.evidence).toContain('owned by Deployment op: its owner may read it through the API');
  });

  it('kube-root-ca.crt: pods mounting it through the token volume are named, and it is not called unused', () => {
    const s: Snapshot = { configmaps: [cm('kube-root-ca.crt', ['ca.crt'])], pods: [pod('web-1', { containers: [{ name: 'app' }], volumes: [tokenVolume] }), pod('web-2', { containers: [{ name: 'app' }], volumes: [tokenVolume] })] };
    const [f, ...rest] = analyzeUnusedConfigMaps(s, o);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ analyzer: 'configmap-root-ca', severity: 'low', hygiene: true });
    expect(f!.summary).toContain('it is in use, not unused');
    expect(f!.evidence).toContain('mounted through the projected kube-api-access-* volume of: web-1, web-2');
    expect(f!.chain.at(-1)).toBe('2 pod(s): automatic ServiceAccount token volume');
    expect(f!.fix.text).toMatch(/automountServiceAccountToken: false/);
  });

  it('kube-root-ca.crt with no pod: expected, nothing to do; read directly by a pod: nothing said', () => {
    const none = analyzeUnusedConfigMaps({ configmaps: [cm('kube-root-ca.crt', ['ca.crt'])], pods: [] }, o);
    expect(none).toMatchObject([{ analyzer: 'configmap-root-ca', evidence: expect.arrayContaining(['no pod in the namespace mounts it']), fix: { text: expect.stringMatching(/^nothing to do/) } }]);
    const direct = analyzeUnusedConfigMaps({ configmaps: [cm('kube-root-ca.crt', ['ca.crt'])], pods: [pod('a', { containers: [{ name: 'app' }], volumes: [{ name: 'ca', configMap: { name: 'kube-root-ca.crt' } }] })] }, o);
    expect(direct).toEqual([]);
  });

  it('says nothing when ConfigMaps, pods or templates were not all read', () => {
    const base: Snapshot = { configmaps: [cm('legacy', ['A'])], pods: [] };
    expect(analyzeUnusedConfigMaps(base, o)).toHaveLength(1);
    for (const kind of ['configmaps', 'pods', 'deployments', 'cronjobs'] as const) {
      expect(analyzeUnusedConfigMaps({ ...base, unreadable: [kind] }, o), kind).toEqual([]);
      expect(analyzeUnusedConfigMaps({ ...base, partial: [kind] }, o), kind).toEqual([]);
    }
  });

  it('keysOnly keeps labels and owners for these checks, never annotations (last-applied carries values)', () => {
    const k = keysOnly({ metadata: { name: 'db', namespace: NS, labels: { app: 'db', bad: 3 }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"hunter2"}}' }, ownerReferences: [{ kind: 'Deployment', name: 'op', uid: 'u' }] }, data: { password: 'aHVudGVyMg==' } });
    expect(k).toEqual({ metadata: { name: 'db', namespace: NS, labels: { app: 'db' }, ownerReferences: [{ kind: 'Deployment', name: 'op' }] }, keys: ['password'] });
    expect(JSON.stringify(k)).not.toMatch(/hunter2|aHVudGVyMg/);
  });
});

describe('default ServiceAccount', () => {
  const rs = { metadata: { ...meta('web-5d4f'), ownerReferences: [{ kind: 'Deployment', name: 'web' }] } };
  const job = { metadata: { ...meta('report-29001'), ownerReferences: [{ kind: 'CronJob', name: 'report' }] } };

  it('one note per namespace on ServiceAccount default, naming the pods and the templates to change', () => {
    const s: Snapshot = {
      replicasets: [rs],
      jobs: [job],
      pods: [
        pod('web-5d4f-a', { serviceAccountName: 'default', containers: [{ name: 'app' }] }, { kind: 'ReplicaSet', name: 'web-5d4f' }),
        pod('web-5d4f-b', { serviceAccountName: 'default', containers: [{ name: 'app' }] }, { kind: 'ReplicaSet', name: 'web-5d4f' }),
        pod('report-29001-x', { serviceAccountName: 'default', automountServiceAccountToken: false, containers: [{ name: 'r' }] }, { kind: 'Job', name: 'report-29001' }),
        pod('api-1', { serviceAccountName: 'api', containers: [{ name: 'app' }] }),
      ],
    };
    const [f, ...rest] = analyzeDefaultServiceAccount(s, o);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ analyzer: 'default-service-account', severity: 'low', hygiene: true, object: { kind: 'ServiceAccount', name: 'default', namespace: NS } });
    expect(f!.evidence).toEqual(['pods with serviceAccountName default: web-5d4f-a, web-5d4f-b, report-29001-x', 'pod templates that name no ServiceAccount: Deployment web, CronJob report', 'API token mounted (automountServiceAccountToken not false) in 2 of 3']);
    expect(f!.chain).toEqual(['ServiceAccount shop/default: used by 3 pod(s)', 'Deployment web, CronJob report: spec.template.spec.serviceAccountName not set']);
    expect(f!.fix.yaml).toBe('apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  namespace: shop\nautomountServiceAccountToken: false\n');
    expect(f!.fix.command).toEqual(['kubectl', 'set', 'serviceaccount', '-n', NS, 'deployment/web', 'web']);
  });

  it('a spec naming no ServiceAccount runs as default; pods with their own give nothing; a bare pod gets no kubectl set command', () => {
    expect(serviceAccountOf({})).toBe('default');
    expect(serviceAccountOf({ serviceAccount: 'legacy' })).toBe('legacy');
    expect(analyzeDefaultServiceAccount({ pods: [pod('api-1', { serviceAccountName: 'api', containers: [] })] }, o)).toEqual([]);
    const [bare] = analyzeDefaultServiceAccount({ pods: [pod('debug', { containers: [] })] }, o);
    expect(bare!.fix.command).toBeUndefined();
    expect(bare!.fix.text).toContain('a bare pod must be re-created');
  });
});

describe('failed Job chained to its pod and the container exit', () => {
  const failedJob = { metadata: meta('export'), spec: { backoffLimit: 0 }, status: { failed: 1, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] } };
  const failedPod = (name: string, created: string) =>
    ({
      metadata: { ...meta(name), creationTimestamp: created, ownerReferences: [{ kind: 'Job', name: 'export' }] },
      spec: { containers: [{ name: 'exporter' }] },
      status: { phase: 'Failed', containerStatuses: [{ name: 'exporter', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error', message: 'export failed: connection refused (reports-db:5432)\nstack…' } } }] },
    }) as Pod;

  it('Job → newest failed pod → container exit code and message; the pods are covered', () => {
    const s: Snapshot = { jobs: [failedJob], pods: [failedPod('export-old', '2026-11-22T11:00:00Z'), failedPod('export-new', '2026-11-22T11:30:00Z')] };
    const [f] = analyzeJobs(s, o);
    expect(f!.chain).toEqual(['Job shop/export: Failed (BackoffLimitExceeded)', 'Pod export-new: Failed', 'container exporter: exit code 1 (Error): export failed: connection refused (reports-db:5432)']);
    expect(f!.evidence).toContain('pod export-new: container exporter terminated: exit code 1, reason Error, message "export failed: connection refused (reports-db:5432)"');
    expect(f!.covers).toEqual(['Pod/shop/export-new', 'Pod/shop/export-old']);
    // The pods' own findings are not repeated next to the Job's.
    expect(analyzeSnapshot(s, o).findings.filter((x) => !x.hygiene).map((x) => x.analyzer)).toEqual(['job-failed']);
  });

  it('without its pods (garbage-collected) the chain ends on the Job reason', () => {
    const [f] = analyzeJobs({ jobs: [failedJob], pods: [] }, o);
    expect(f!.chain).toEqual(['Job shop/export: Failed (BackoffLimitExceeded)', 'BackoffLimitExceeded: 1 failed pod(s)']);
    expect(f!.covers).toEqual([]);
  });
});

describe('nodes with duplicate conditions', () => {
  it('the last entry of a type wins, as kubectl reads it', () => {
    const node = { metadata: { name: 'n9' }, status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Ready', status: 'False', reason: 'KubeletNotReady' }] } };
    expect(analyzeNodes({ nodes: [node] }, o).map((f) => f.analyzer)).toEqual(['node-not-ready']);
    const back = { metadata: { name: 'n9' }, status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'Ready', status: 'True' }] } };
    expect(analyzeNodes({ nodes: [back] }, o)).toEqual([]);
  });
});

describe('hygiene notes rank after failures and are not counted as problems', () => {
  const healthy: Snapshot = { configmaps: [cm('kube-root-ca.crt', ['ca.crt'])], pods: [pod('web-1', { serviceAccountName: 'default', containers: [{ name: 'app' }], volumes: [tokenVolume] })] };

  it('analyzeSnapshot puts them last, even after a low failure; the table marks them', () => {
    const s: Snapshot = { ...healthy, cronjobs: [{ metadata: meta('report'), spec: { suspend: true } }] };
    const { findings } = analyzeSnapshot(s, o);
    expect(findings.map((f) => f.analyzer)).toEqual(['cronjob-suspended', 'configmap-root-ca', 'default-service-account']);
    const text = renderFindings(findings);
    expect(text).toMatch(/^LOW \(hygiene\) +ServiceAccount shop\/default +default-service-account/m);
    // Details go to failures while there are any.
    expect(text).toContain('1. CronJob shop/report (cronjob-suspended)');
    expect(text).not.toContain('2. ');
  });

  it('runAnalyze: "No problems found" with the notes counted apart; problems and notes when both', async () => {
    const box = (s: Snapshot): ToolBox => ({
      listTools: async () => [],
      callTool: async (name, args): Promise<CallToolResult> => {
        const kinds: Record<string, unknown[] | null | undefined> = { pods: s.pods, configmaps: s.configmaps?.map((c) => ({ metadata: c!.metadata, data: Object.fromEntries(list(c!.keys).map((k) => [k, 'x'])) })), cronjobs: s.cronjobs };
        const items = kinds[String(args.kind)] ?? [];
        const out: Record<string, unknown> | undefined =
          name === 'k8s_namespaces' ? { namespaces: [{ name: NS }] } : name === 'k8s_list' ? { items: items.map((x) => ({ name: (x as { metadata: { name: string } }).metadata.name, namespace: NS })) } : name === 'k8s_get' ? { object: items.find((x) => (x as { metadata: { name: string } }).metadata.name === args.name) } : name === 'k8s_events' ? { events: [] } : undefined;
        return out ? { content: [{ type: 'text', text: 'ok' }], structuredContent: out } : { isError: true, content: [{ type: 'text', text: 'no' }] };
      },
    });
    const quiet = await runAnalyze(box(healthy), `analyze namespace ${NS}`, () => {}, o);
    expect(quiet.text.split('\n')[0]).toBe('No problems found in namespace shop (checked 1 pods, 1 configmaps); 2 hygiene note(s):');
    const both = await runAnalyze(box({ ...healthy, cronjobs: [{ metadata: meta('report'), spec: { suspend: true } }] }), `analyze namespace ${NS}`, () => {}, o);
    expect(both.text.split('\n')[0]).toBe('1 problem(s) in namespace shop (1 low), and 2 hygiene note(s):');
  });
});

const list = <T>(x: T[] | null | undefined): T[] => (Array.isArray(x) ? x : []);
