import { describe, expect, it } from 'vitest';
import { containersToReadPreviousLogs, cpuMillis, diagnosePod, explainingLine, isUnhealthy, memoryBytes, readableLogLine, renderFinding } from '../../agents/ops/diagnose.js';
import type { Pod } from '../../agents/ops/kube-objects.js';

const meta = (name: string, namespace = 'ns') => ({ name, namespace, labels: { app: name } });
const running = (name: string): Pod => ({
  metadata: meta(name),
  spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'app:1' }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }] },
});

const PREVIOUS_LOG = [
  '{"level":"info","msg":"connecting to database","host":"postgres"}',
  '{"level":"warn","msg":"database connection failed, retrying","error":"FATAL: password authentication failed for user \\"payments\\" (SQLSTATE 28P01)"}',
  '{"level":"fatal","msg":"cannot start without a database, exiting","error":"startup: database unavailable: FATAL: password authentication failed for user \\"payments\\""}',
].join('\n');

describe('diagnosePod (pure)', () => {
  it('a healthy Running pod and a Completed one need no diagnosis', () => {
    expect(isUnhealthy(running('ok'))).toBe(false);
    expect(diagnosePod(running('ok'))).toBeUndefined();
    expect(diagnosePod({ metadata: meta('job'), status: { phase: 'Succeeded' } })).toBeUndefined();
  });

  it('CrashLoopBackOff: exit code, last reason, the explaining log line and a fix naming the Secret', () => {
    const pod: Pod = {
      metadata: meta('payments-api-1'),
      spec: { nodeName: 'n1', containers: [{ name: 'api', image: 'api:3', envFrom: [{ configMapRef: { name: 'api' } }, { secretRef: { name: 'payments-db' } }] }] },
      status: {
        phase: 'Running',
        containerStatuses: [{ name: 'api', ready: false, restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 1m0s' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } }],
      },
    };
    expect(containersToReadPreviousLogs(pod)).toEqual(['api']);
    const f = diagnosePod(pod, { previousLogs: { api: PREVIOUS_LOG } })!;
    expect(f.cause).toBe('CrashLoopBackOff');
    expect(f.container).toBe('api');
    expect(f.details).toMatchObject({ exitCode: 1, lastReason: 'Error', restarts: 7, envFrom: ['ConfigMap api', 'Secret payments-db'] });
    expect(f.details?.explainingLine).toBe('fatal: cannot start without a database, exiting: startup: database unavailable: FATAL: password authentication failed for user "payments"');
    expect(f.summary).toContain('the database rejects the credentials');
    expect(f.fix).toContain('Secret payments-db');
    expect(f.evidence).toContain('last termination: reason Error, exit code 1');
    expect(renderFinding(f)).toMatch(/^ns\/payments-api-1 \(container api\): crash loop/);
  });

  it('CrashLoopBackOff without a previous log still names the exit code and says the log is missing', () => {
    const pod: Pod = { metadata: meta('c'), spec: { nodeName: 'n' }, status: { phase: 'Running', containerStatuses: [{ name: 'x', restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 2 } } }] } };
    const f = diagnosePod(pod)!;
    expect(f.cause).toBe('CrashLoopBackOff');
    expect(f.details?.exitCode).toBe(2);
    expect(f.evidence).toContain('previous log: not available');
  });

  it('a crash loop caught Running between crashes is still a crash loop; an old restart is not', () => {
    const now = Date.parse('2026-11-22T12:00:00Z');
    const pod = (finishedAt: string): Pod => ({
      metadata: meta('flappy'),
      spec: { nodeName: 'n', containers: [{ name: 'app' }] },
      status: { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 12, state: { running: {} }, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt } } }] },
    });
    const flapping = diagnosePod(pod('2026-11-22T11:59:30Z'), { now, previousLogs: { app: 'Error: connect ECONNREFUSED 10.0.0.5:5432' } })!;
    expect(flapping.cause).toBe('CrashLoopBackOff');
    expect(flapping.evidence[0]).toBe('container app running again between crashes, 12 restarts');
    expect(flapping.details?.explainingLine).toBe('Error: connect ECONNREFUSED 10.0.0.5:5432');
    expect(diagnosePod(pod('2026-11-21T08:00:00Z'), { now })).toBeUndefined();
  });

  it('OOMKilled: the memory limit and the fix', () => {
    const pod: Pod = {
      metadata: meta('hog'),
      spec: { nodeName: 'n', containers: [{ name: 'hog', resources: { limits: { memory: '256Mi' } } }] },
      status: { phase: 'Running', containerStatuses: [{ name: 'hog', restartCount: 3, ready: false, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] },
    };
    const f = diagnosePod(pod)!;
    expect(f.cause).toBe('OOMKilled');
    expect(f.details?.memoryLimit).toBe('256Mi');
    expect(f.fix).toContain('256Mi');
  });

  it('ImagePullBackOff: the image and the registry error from the status or the events', () => {
    const pod: Pod = {
      metadata: meta('fraud'),
      spec: { nodeName: 'n', containers: [{ name: 'detector', image: 'registry.acme.internal/fraud:1.4.0' }] },
      status: { phase: 'Pending', containerStatuses: [{ name: 'detector', image: 'registry.acme.internal/fraud:1.4.0', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } } }] },
    };
    const events = [{ type: 'Warning', reason: 'Failed', object: 'pod/fraud', message: 'Failed to pull image: dial tcp: lookup registry.acme.internal on 10.96.0.10:53: no such host', count: 4 }];
    const f = diagnosePod(pod, { events })!;
    expect(f.cause).toBe('ImagePull');
    expect(f.details).toMatchObject({ image: 'registry.acme.internal/fraud:1.4.0', reason: 'ImagePullBackOff' });
    expect(String(f.details?.registryError)).toContain('no such host');
    expect(f.summary).toContain('registry host registry.acme.internal does not resolve');
    const notFound = diagnosePod(pod, { events: [{ type: 'Warning', reason: 'Failed', message: 'manifest unknown: tag 9.9 not found' }] })!;
    expect(notFound.summary).toContain('does not exist');
    const denied = diagnosePod(pod, { events: [{ type: 'Warning', reason: 'Failed', message: 'pull access denied: unauthorized' }] })!;
    expect(denied.fix).toContain('imagePullSecrets');
  });

  it('CreateContainerConfigError: the missing ConfigMap, Secret or key from the message', () => {
    const pod = (message: string): Pod => ({ metadata: meta('catalog', 'shop'), spec: { nodeName: 'n' }, status: { phase: 'Pending', containerStatuses: [{ name: 'catalog', state: { waiting: { reason: 'CreateContainerConfigError', message } } }] } });
    expect(diagnosePod(pod('configmap "catalog-settings" not found'))).toMatchObject({ cause: 'MissingConfig', details: { missingKind: 'ConfigMap', missingName: 'catalog-settings' } });
    expect(diagnosePod(pod('secret "db-creds" not found'))).toMatchObject({ cause: 'MissingConfig', details: { missingKind: 'Secret', missingName: 'db-creds' } });
    expect(diagnosePod(pod("couldn't find key URL in ConfigMap shop/settings"))).toMatchObject({ cause: 'MissingConfig', details: { missingKind: 'ConfigMap', missingName: 'settings', missingKey: 'URL' } });
    expect(diagnosePod(pod('something else went wrong'))).toMatchObject({ cause: 'CreateContainerError' });
    expect(diagnosePod(pod('configmap "catalog-settings" not found'))!.fix).toContain('create the ConfigMap catalog-settings in shop');
  });

  it('Pending/Unschedulable: the scheduler reason against the requests and the largest node', () => {
    const pod: Pod = {
      metadata: meta('ml-trainer', 'data'),
      spec: { containers: [{ name: 't', resources: { requests: { cpu: '16', memory: '8Gi' } } }] },
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' }] },
    };
    const f = diagnosePod(pod, { nodes: [{ name: 'a', allocatable: { cpu: '4', memory: '16Gi' } }, { name: 'b', allocatable: { cpu: '3500m' } }] })!;
    expect(f.cause).toBe('Unschedulable');
    expect(f.details).toMatchObject({ insufficient: ['cpu'], requests: { cpu: '16', memory: '8Gi' }, largestNodeCpu: '4' });
    expect(f.evidence).toContain('it requests 16 CPU but the largest node has 4 allocatable');
    // From the event alone (no condition), and a taint message.
    const byEvent = diagnosePod({ metadata: meta('p'), status: { phase: 'Pending' } }, { events: [{ reason: 'FailedScheduling', message: "0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}." }] })!;
    expect(byEvent.cause).toBe('Unschedulable');
    expect(byEvent.fix).toContain('toleration');
  });

  it('probe failures: which probe, what it checks, from Unhealthy events', () => {
    const pod: Pod = {
      metadata: meta('web'),
      spec: { nodeName: 'n', containers: [{ name: 'web', readinessProbe: { httpGet: { path: '/ready', port: 8080 } } }] },
      status: { phase: 'Running', containerStatuses: [{ name: 'web', ready: false, restartCount: 0, state: { running: {} } }] },
    };
    const f = diagnosePod(pod, { events: [{ type: 'Warning', reason: 'Unhealthy', object: 'pod/web', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', count: 9 }] })!;
    expect(f).toMatchObject({ cause: 'ProbeFailure', container: 'web', details: { probe: 'readiness', target: 'GET /ready on port 8080' } });
    // Events about another pod do not count.
    expect(diagnosePod(pod, { events: [{ reason: 'Unhealthy', object: 'pod/other', message: 'Liveness probe failed' }] })!.cause).toBe('NotReady');
  });

  it('odd or missing fields never crash: nulls, empty objects, wrong types', () => {
    const odd: unknown[] = [
      {},
      { metadata: null, spec: null, status: null },
      { status: { phase: 'Pending', conditions: null, containerStatuses: null } },
      { status: { phase: 'Running', containerStatuses: [null, { name: null, state: null, lastState: null }] } },
      { status: { phase: 'Running', containerStatuses: [{ state: { waiting: { reason: 'CrashLoopBackOff', message: null } }, lastState: { terminated: null } }] } },
      { status: { phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'CreateContainerConfigError' } } }] } },
      { status: { phase: 'Failed', reason: null } },
      { status: { phase: 'Weird' }, spec: { containers: 'not-a-list' } },
      { status: { reason: 'Evicted', phase: 'Failed', message: 'The node was low on resource: memory.' } },
    ];
    for (const pod of odd) {
      const f = diagnosePod(pod as Pod, { events: null as never, previousLogs: { x: 42 as never }, nodes: [{ name: 'n', allocatable: null as never }] });
      expect(f === undefined || typeof f.summary === 'string').toBe(true);
    }
    expect(diagnosePod(null as never)).toBeUndefined();
    expect(diagnosePod(odd[8] as Pod)?.cause).toBe('Evicted');
  });
});

describe('log lines, quantities', () => {
  it('picks the line that explains a crash, most specific pattern first', () => {
    expect(explainingLine('')).toBeUndefined();
    expect(explainingLine(undefined)).toBeUndefined();
    expect(explainingLine('starting\nlistening on :8080')).toEqual({ line: 'listening on :8080' });
    expect(explainingLine('ok\nERROR could not open file\nbye')?.line).toBe('ERROR could not open file');
    expect(explainingLine('dial tcp 10.0.0.1:5432: connect: connection refused\nexiting')?.explains).toBe('a dependency is not reachable');
    expect(explainingLine('panic: runtime error: index out of range')?.explains).toBe('the program crashed');
  });

  it('reads JSON log lines as message: error, and leaves broken JSON alone', () => {
    expect(readableLogLine('{"level":"error","msg":"boom","error":"bad"}')).toBe('error: boom: bad');
    expect(readableLogLine('{"msg":1}')).toBe('{"msg":1}');
    expect(readableLogLine('{not json')).toBe('{not json');
  });

  it('parses CPU and memory quantities', () => {
    expect(cpuMillis('16')).toBe(16000);
    expect(cpuMillis('250m')).toBe(250);
    expect(cpuMillis('0.5')).toBe(500);
    expect(cpuMillis('lots')).toBeUndefined();
    expect(cpuMillis(undefined)).toBeUndefined();
    expect(memoryBytes('8Gi')).toBe(8 * 1024 ** 3);
    expect(memoryBytes('512M')).toBe(512e6);
    expect(memoryBytes('')).toBeUndefined();
  });
});
