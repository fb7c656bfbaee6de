import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { createKubeClient } from '../../shared/kube.js';
import { kubeRequest } from '../../shared/kube-http.js';
import { kubectl } from '../../tools/cluster/exec.js';
import { waitFor } from '../../tools/cluster/processes.js';
import { call, kubernetesClient } from '../helpers/mcp.js';

const NS = 'leak-check';
const CANARIES = ['leak-canary-7f3a9c21', 'Canary-Pa55-e81b'];
const FORMS = CANARIES.flatMap((c) => [c, Buffer.from(c).toString('base64')]);

const k = (args: string[], input?: string) => kubectl(inject('kubectl'), inject('kubeconfig'), args, input);

/**
 * Secrets with known values, echoed everywhere a careless cluster echoes them: the
 * last-applied annotation, env references, a token in an annotation, a ConfigMap, an event
 * message and the container's own log. No read tool, in any format, may show one.
 */
beforeAll(async () => {
  const logFile = join(mkdtempSync(join(tmpdir(), 'k8sx-leak-')), 'leaky.log');
  const stamp = new Date().toISOString();
  writeFileSync(
    logFile,
    [`starting with API_KEY=${CANARIES[0]}`, `db password is ${CANARIES[1]}`, `encoded: ${FORMS[1]}`, 'ready'].map((l) => `${stamp} stdout F ${l}\n`).join(''),
  );
  const manifest = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'api-keys', namespace: NS }, stringData: { API_KEY: CANARIES[0], DB_PASSWORD: CANARIES[1] } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace: NS }, data: { 'settings.env': `DB_PASSWORD=${CANARIES[1]}\nMODE=prod` } },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'leaky', namespace: NS, labels: { app: 'leaky' }, annotations: { 'example.com/debug-token': CANARIES[0] } },
      spec: {
        containers: [
          {
            name: 'leaky-app',
            image: 'nginx:1.27.3',
            env: [{ name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'api-keys', key: 'API_KEY' } } }],
            envFrom: [{ secretRef: { name: 'api-keys' } }],
          },
        ],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'leaky-deploy', namespace: NS, annotations: { 'kubernetes.io/change-cause': `rotate key ${CANARIES[0]}` } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'leaky-deploy' } },
        template: {
          metadata: { labels: { app: 'leaky-deploy' } },
          spec: { containers: [{ name: 'leaky-app', image: 'nginx:1.27.3', env: [{ name: 'API_KEY', value: CANARIES[0] }] }] },
        },
      },
    },
    {
      apiVersion: 'kwok.x-k8s.io/v1alpha1',
      kind: 'ClusterLogs',
      metadata: { name: 'leak-check-logs' },
      spec: { selector: { matchNamespaces: [NS] }, logs: [{ containers: ['leaky-app'], logsFile: logFile, previousLogsFile: logFile }] },
    },
  ];
  await k(['apply', '-f', '-'], manifest.map((m) => stringify(m)).join('---\n'));
  const client = createKubeClient({ kubeconfig: inject('kubeconfig'), env: {} });
  await kubeRequest(client, {
    method: 'POST',
    path: `/api/v1/namespaces/${NS}/events`,
    body: {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'leaky.canary', namespace: NS },
      involvedObject: { kind: 'Pod', name: 'leaky', namespace: NS, apiVersion: 'v1' },
      type: 'Warning',
      reason: 'AuthFailed',
      message: `login failed with password ${CANARIES[1]}`,
      source: { component: 'leaky-app' },
      firstTimestamp: new Date().toISOString(),
      lastTimestamp: new Date().toISOString(),
      count: 1,
    },
  }).catch((e: unknown) => {
    if (!String(e).includes('AlreadyExists')) throw e;
  });
  await waitFor('pod leaky Running', async () => ((await k(['get', 'pod', '-n', NS, 'leaky', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running' ? true : undefined), 60_000);
});

afterAll(async () => {
  await k(['delete', 'clusterlogs', 'leak-check-logs', '--ignore-not-found']);
  await k(['delete', 'namespace', NS, '--wait=true', '--timeout=90s', '--ignore-not-found']);
});

describe('no Secret value leaves the kubernetes MCP server', () => {
  let client: Client;
  beforeAll(async () => {
    client = await kubernetesClient(inject('kubeconfig'));
  });
  afterAll(async () => client.close());

  const calls: Array<[string, Record<string, unknown>]> = [
    ...['secrets', 'pods', 'configmaps', 'events'].flatMap((kind) =>
      [true, false].flatMap((wide) => [
        ['k8s_list', { kind, namespace: NS, wide }] as [string, Record<string, unknown>],
        ['k8s_list', { kind, wide }] as [string, Record<string, unknown>],
      ]),
    ),
    ...(['yaml', 'json'] as const).flatMap((output) => [
      ['k8s_get', { kind: 'secret', name: 'api-keys', namespace: NS, output }] as [string, Record<string, unknown>],
      ['k8s_get', { kind: 'pod', name: 'leaky', namespace: NS, output }] as [string, Record<string, unknown>],
      ['k8s_get', { kind: 'configmap', name: 'app-config', namespace: NS, output }] as [string, Record<string, unknown>],
    ]),
    ['k8s_describe', { kind: 'secret', name: 'api-keys', namespace: NS }],
    ['k8s_describe', { kind: 'pod', name: 'leaky', namespace: NS }],
    ['k8s_describe', { kind: 'configmap', name: 'app-config', namespace: NS }],
    ['k8s_logs', { name: 'leaky', namespace: NS }],
    ['k8s_logs', { name: 'leaky', namespace: NS, previous: true }],
    ['k8s_logs', { name: 'leaky', namespace: NS, grep: 'password' }],
    ['k8s_events', { namespace: NS }],
    ['k8s_events', {}],
    ['k8s_events', { namespace: NS, kind: 'Pod', name: 'leaky', type: 'Warning' }],
    ['k8s_rollout', { kind: 'deployment', name: 'leaky-deploy', namespace: NS }],
    ['k8s_get', { kind: 'deployment', name: 'leaky-deploy', namespace: NS, output: 'json' }],
    ['k8s_describe', { kind: 'deployment', name: 'leaky-deploy', namespace: NS }],
    ['k8s_list', { kind: 'replicasets', namespace: NS, wide: true }],
    ['k8s_namespaces', {}],
    ['k8s_nodes', {}],
    ['k8s_api_resources', {}],
    ['k8s_can_i', { verb: 'get', kind: 'secrets', namespace: NS }],
  ];

  it.each(calls)('%s %j', async (tool, args) => {
    const result = await call(client, tool, args);
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const everything = JSON.stringify(result);
    for (const form of FORMS) expect(everything, `${tool} leaked ${form}`).not.toContain(form);
  });

  it('still shows what is there: the keys, the log lines, the event', async () => {
    const secret = await call(client, 'k8s_get', { kind: 'secret', name: 'api-keys', namespace: NS });
    expect(JSON.stringify(secret.structuredContent)).toContain('DB_PASSWORD');
    const log = await call(client, 'k8s_logs', { name: 'leaky', namespace: NS });
    expect(log.structuredContent!.log).toContain('starting with API_KEY=***');
    const events = await call(client, 'k8s_events', { namespace: NS, reason: 'AuthFailed' });
    expect(JSON.stringify(events.structuredContent)).toContain('login failed with password ***');
  });
});
