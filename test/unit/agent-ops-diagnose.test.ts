import { describe, expect, it } from 'vitest';
import { containersToReadPreviousLogs, cpuMillis, diagnosePod, explainingLine, isUnhealthy, memoryBytes, readableLogLine, renderFinding } from '../../agents/ops/diagnose.js';
import type { Pod } from '../../agents/ops/kube-objects.js';
import type { Snapshot } from '../../agents/ops/analyzers/types.js';
import { findNamed, renderWhy, whyChain } from '../../agents/ops/why.js';
import { kindsNamed, pickObject } from '../../agents/ops/why-run.js';

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

describe('whyChain: a named object walked to its root cause (pure)', () => {
  const ns = 'shop';
  const own = (kind: string, name: string) => [{ kind, name }];
  /** Ingress web → Service web → Deployment web (0/2) → pod CreateContainerConfigError → ConfigMap web-config missing. */
  const snapshot = (): Snapshot => ({
    namespace: ns,
    ingresses: [{ metadata: { name: 'web', namespace: ns }, spec: { ingressClassName: 'nginx', rules: [{ host: 'shop.example', http: { paths: [{ path: '/', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } }],
    ingressclasses: [{ metadata: { name: 'nginx' } }],
    services: [{ metadata: { name: 'web', namespace: ns }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80 }] } }],
    endpointslices: [{ metadata: { name: 'web-abc', namespace: ns, labels: { 'kubernetes.io/service-name': 'web' } }, endpoints: null }],
    deployments: [{ kind: 'Deployment', metadata: { name: 'web', namespace: ns }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } } }, status: { availableReplicas: 0, conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }] } }],
    replicasets: [{ metadata: { name: 'web-7d4b9c', namespace: ns, ownerReferences: own('Deployment', 'web') } }],
    pods: ['web-7d4b9c-xk2pq', 'web-7d4b9c-zz9wq'].map((name) => ({
      metadata: { name, namespace: ns, labels: { app: 'web' }, ownerReferences: own('ReplicaSet', 'web-7d4b9c') },
      spec: { nodeName: 'n1', containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] },
      status: { phase: 'Pending', containerStatuses: [{ name: 'web', ready: false, state: { waiting: { reason: 'CreateContainerConfigError', message: 'configmap "web-config" not found' } } }] },
    })),
    configmaps: [],
    secrets: [{ metadata: { name: 'web-tls', namespace: ns }, keys: ['tls.crt'] }],
    events: [],
  });

  it('Ingress → Service without endpoints → Deployment 0/2 → pod CreateContainerConfigError → ConfigMap missing, the fix at the end', () => {
    const r = whyChain(snapshot(), { kind: 'Ingress', name: 'web', namespace: ns });
    expect(r.failing).toBe(true);
    expect(r.chain.map((s) => s.step)).toEqual([
      'Ingress shop/web: routes to Service shop/web',
      'Service shop/web: no ready endpoints',
      'Deployment shop/web: 0/2 available',
      expect.stringMatching(/^Pod web-7d4b9c-\w+: MissingConfig \(container web\)/),
      'ConfigMap shop/web-config: missing',
    ]);
    expect(r.analyzers).toEqual(['service-no-endpoints', 'workload-unavailable']);
    expect(r.chain[2]!.evidence).toContain('availableReplicas 0 of 2 desired');
    expect(r.chain[3]!.evidence.join('\n')).toContain('configmap "web-config" not found');
    expect(r.fix?.text).toContain('web-config');
    const text = renderWhy(r);
    expect(text.split('\n')[0]).toBe('Why Ingress shop/web is failing:');
    expect(text).toMatch(/→ ConfigMap shop\/web-config: missing\n {2}Fix: .*web-config/);
    expect(text).not.toContain('tls.crt');
  });

  it('starting lower down gives the tail of the same chain; a healthy object is not failing', () => {
    expect(whyChain(snapshot(), { kind: 'Service', name: 'web', namespace: ns }).chain.map((s) => s.step.split(':')[0])).toEqual(['Service shop/web', 'Deployment shop/web', expect.stringMatching(/^Pod web-/), 'ConfigMap shop/web-config']);
    expect(whyChain(snapshot(), { kind: 'Deployment', name: 'web', namespace: ns }).chain).toHaveLength(3);
    const healthy = snapshot();
    healthy.configmaps = [{ metadata: { name: 'web-config', namespace: ns }, keys: ['a'] }];
    healthy.deployments![0]!.status = { availableReplicas: 2, readyReplicas: 2 };
    healthy.pods = healthy.pods!.map((p) => ({ ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'web', ready: true, state: { running: {} } }] } }));
    healthy.endpointslices![0]!.endpoints = [{ addresses: ['10.0.0.1'], conditions: { ready: true } }];
    const r = whyChain(healthy, { kind: 'Ingress', name: 'web', namespace: ns });
    expect(r).toMatchObject({ failing: false, chain: [] });
    expect(renderWhy(r)).toBe('Ingress shop/web: nothing on its chain is failing.');
  });

  it('an Ingress whose backend is missing ends on the missing Service; a CronJob walks to its newest Job and its pod', () => {
    const s = snapshot();
    s.services = [];
    expect(whyChain(s, { kind: 'Ingress', name: 'web', namespace: ns }).chain.at(-1)?.step).toBe('Service shop/web: missing');
    const job = (name: string, created: string, failed: boolean) => ({ metadata: { name, namespace: ns, creationTimestamp: created, ownerReferences: own('CronJob', 'report') }, status: failed ? { failed: 3, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] } : { succeeded: 1 } });
    const cron: Snapshot = {
      namespace: ns,
      cronjobs: [{ metadata: { name: 'report', namespace: ns, creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { schedule: '*/5 * * * *' }, status: { lastScheduleTime: '2026-11-22T18:00:00Z' } }],
      jobs: [job('report-1', '2026-11-22T17:00:00Z', false), job('report-2', '2026-11-22T18:00:00Z', true)],
      pods: [{ metadata: { name: 'report-2-abcde', namespace: ns, ownerReferences: own('Job', 'report-2') }, spec: { containers: [{ name: 'r' }] }, status: { phase: 'Pending', containerStatuses: [{ name: 'r', state: { waiting: { reason: 'CreateContainerConfigError', message: 'secret "report-creds" not found' } } }] } }],
      events: [],
    };
    const r = whyChain(cron, { kind: 'CronJob', name: 'report', namespace: ns }, { now: Date.parse('2026-11-22T18:01:00Z') });
    expect(r.chain.map((x) => x.step)).toEqual(['CronJob shop/report: routes to Job shop/report-2', expect.stringMatching(/^Job shop\/report-2: Failed/), expect.stringMatching(/^Pod report-2-abcde: MissingConfig/), 'Secret shop/report-creds: missing']);
  });

  it('odd snapshots (nulls, missing fields, cycles of references) do not throw', () => {
    const odd = { ingresses: [null, { metadata: { name: 'x', namespace: ns }, spec: { rules: [null, { http: { paths: null } }], defaultBackend: { service: { name: 'x' } } } }], services: [{ metadata: { name: 'x', namespace: ns }, spec: null }], pods: null } as unknown as Snapshot;
    // No class and no IngressClass list: the Ingress's own finding is the whole chain.
    expect(whyChain(odd, { kind: 'Ingress', name: 'x', namespace: ns }).chain.map((s) => s.step)).toEqual(['Ingress shop/x: not served', 'IngressClass: none named and no default']);
    expect(whyChain({} as Snapshot, { kind: 'PersistentVolumeClaim', name: 'nope', namespace: ns }).failing).toBe(false);
    expect(findNamed(snapshot(), 'web').map((r) => r.kind).sort()).toEqual(['Deployment', 'Ingress', 'Service']);
  });
});

describe('which object a "why" request names', () => {
  const objects = [
    { kind: 'Service', name: 'web', namespace: 'shop' },
    { kind: 'Deployment', name: 'web', namespace: 'shop' },
    { kind: 'Deployment', name: 'web', namespace: 'blog' },
    { kind: 'CronJob', name: 'report', namespace: 'shop' },
    { kind: 'Job', name: 'report', namespace: 'shop' },
  ];
  it('a kind named in words wins, then the namespace named, then Ingress/Service before workloads', () => {
    expect(pickObject('why is web failing?', objects, ['shop', 'blog'])).toEqual(objects[0]);
    expect(pickObject('why is the web deployment failing?', objects, ['shop', 'blog'])).toEqual(objects[1]);
    expect(pickObject('why is deployment web failing in blog', objects, ['shop', 'blog'])).toEqual(objects[2]);
    expect(pickObject('why does the report cron job fail', objects, ['shop'])).toEqual(objects[3]);
    expect(pickObject('why did job report fail', objects, ['shop'])).toEqual(objects[4]);
    expect(pickObject('why is unicorn failing', objects, ['shop'])).toBeUndefined();
    expect(kindsNamed('the report cronjob')).toEqual(['CronJob']);
    expect(kindsNamed('my pvc data')).toEqual(['PersistentVolumeClaim']);
  });
});
