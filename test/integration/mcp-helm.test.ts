import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { helmServerFactory } from '../../mcp-servers/helm/index.js';
import { kubectl, run } from '../../tools/cluster/exec.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { call, connectInMemory, silentLogger, testConfig, textOf } from '../helpers/mcp.js';

const NS = 'helm-check';
const RELEASE = 'webapp-demo';
const CHART = join(REPO_ROOT, 'test', 'fixtures', 'charts', 'webapp');
const BROKEN = join(REPO_ROOT, 'test', 'fixtures', 'charts', 'broken');
const CANARY = 'helm-canary-Pw-4411';
const LEAKS = [CANARY, Buffer.from(CANARY).toString('base64')];

const helm = (...args: string[]) => run(inject('helm'), [...args, '--kubeconfig', inject('kubeconfig')]);

let client: Client;
beforeAll(async () => {
  await helm('upgrade', '--install', RELEASE, CHART, '--namespace', NS, '--create-namespace', '--set', 'replicaCount=2');
  await helm('upgrade', RELEASE, CHART, '--namespace', NS, '--set', 'replicaCount=2', '--set', 'image.tag=1.27.3');
  client = await connectInMemory(helmServerFactory(testConfig({ K8S_EXPERTS_KUBECONFIG: inject('kubeconfig') }), silentLogger(), 'test', inject('helm'))());
});

afterAll(async () => {
  await client.close();
  await helm('uninstall', RELEASE, '--namespace', NS).catch(() => undefined);
  await kubectl(inject('kubectl'), inject('kubeconfig'), ['delete', 'namespace', NS, '--ignore-not-found', '--wait=true', '--timeout=120s']);
});

/** Every helm tool result is also checked for the chart's credential. */
async function helmCall(tool: string, args: Record<string, unknown>) {
  const result = await call(client, tool, args);
  const all = JSON.stringify(result);
  for (const leak of LEAKS) expect(all, `${tool} leaked ${leak}`).not.toContain(leak);
  return result;
}

describe('helm MCP server: releases', () => {
  it('helm_list finds the release across namespaces', async () => {
    const r = await helmCall('helm_list', {});
    const release = (r.structuredContent!.releases as Array<{ name: string; namespace: string; status: string; revision: number }>).find((x) => x.name === RELEASE);
    expect(release).toMatchObject({ namespace: NS, status: 'deployed', revision: 2 });
    expect(textOf(r)).toMatch(/^NAME\s+NAMESPACE\s+REVISION/);
  });

  it('helm_status and helm_history', async () => {
    const status = await helmCall('helm_status', { release: RELEASE, namespace: NS });
    expect(status.structuredContent).toMatchObject({ status: 'deployed', revision: 2, chart: 'webapp-0.1.0' });
    expect(status.structuredContent!.notes).toContain('Get the application URL');
    const history = await helmCall('helm_history', { release: RELEASE, namespace: NS });
    expect((history.structuredContent!.revisions as Array<{ description: string }>).map((r) => r.description)).toEqual(['Install complete', 'Upgrade complete']);
  });

  it('helm_get: user values, all values (credential masked), manifest (Secret masked), notes, an old revision', async () => {
    const values = await helmCall('helm_get', { release: RELEASE, namespace: NS });
    expect(values.structuredContent!.values).toEqual({ image: { tag: '1.27.3' }, replicaCount: 2 });
    const all = await helmCall('helm_get', { release: RELEASE, namespace: NS, what: 'all-values' });
    expect((all.structuredContent!.values as { dbPassword: string }).dbPassword).toBe('***');
    const manifest = await helmCall('helm_get', { release: RELEASE, namespace: NS, what: 'manifest' });
    expect(textOf(manifest)).toMatch(/kind: Secret[\s\S]*password: "?\*\*\* \(19 bytes\)/);
    expect(textOf(manifest)).toContain('kind: Deployment');
    const old = await helmCall('helm_get', { release: RELEASE, namespace: NS, revision: 1 });
    expect(old.structuredContent!.values).toEqual({ replicaCount: 2 });
    expect(textOf(await helmCall('helm_get', { release: RELEASE, namespace: NS, what: 'notes' }))).toContain('NOTES');
  });
});

describe('helm MCP server: local charts', () => {
  it('helm_template renders with values, Secrets masked', async () => {
    const r = await helmCall('helm_template', { chart: CHART, release: 'preview', values: { replicaCount: 3 } });
    expect(r.structuredContent!.kinds).toEqual(expect.arrayContaining(['Deployment', 'Service', 'Secret', 'ServiceAccount']));
    expect(textOf(r)).toContain('replicas: 3');
    const only = await helmCall('helm_template', { chart: CHART, showOnly: ['templates/service.yaml'] });
    expect(only.structuredContent!.kinds).toEqual(['Service']);
  });

  it('helm_lint passes a good chart and reports a broken one as an answer', async () => {
    expect((await helmCall('helm_lint', { chart: CHART })).structuredContent!.ok).toBe(true);
    const broken = await helmCall('helm_lint', { chart: BROKEN });
    expect(broken.isError).toBeFalsy();
    expect(broken.structuredContent!.ok).toBe(false);
    expect(textOf(broken)).toMatch(/lint FAILED[\s\S]*parse error/);
  });

  it('a chart given as its files (no shared filesystem): lint and render it, no temp path in the answer', async () => {
    const files = Object.fromEntries(
      readdirSync(CHART, { recursive: true, encoding: 'utf8' })
        .filter((f) => statSync(join(CHART, f)).isFile())
        .map((f) => [f, readFileSync(join(CHART, f), 'utf8')]),
    );
    const lint = await helmCall('helm_lint', { files });
    expect(lint.structuredContent!.ok).toBe(true);
    const r = await helmCall('helm_template', { files, release: 'inline', values: { replicaCount: 4 } });
    expect(r.structuredContent!.kinds).toEqual(expect.arrayContaining(['Deployment', 'Service', 'Secret']));
    expect(textOf(r)).toContain('replicas: 4');
    const broken = await helmCall('helm_lint', { files: { ...files, 'templates/service.yaml': 'kind: Service\nmetadata: {{ .Values.nope.deeper }}\n' } });
    expect(broken.structuredContent!.ok).toBe(false);
    expect(textOf(broken)).toMatch(/templates\/service\.yaml/);
    for (const x of [lint, r, broken]) expect(JSON.stringify(x)).not.toMatch(/k8sx-helm-chart-|\/tmp\//);
    // One of chart and files; file names stay inside the chart.
    expect(textOf(await helmCall('helm_lint', { chart: CHART, files }))).toMatch(/exactly one of chart and files/);
    expect(textOf(await helmCall('helm_lint', { files: { ...files, '../escape.yaml': 'x' } }))).toMatch(/file "\.\.\/escape\.yaml"/);
    expect(textOf(await helmCall('helm_template', { files: { 'values.yaml': '' } }))).toMatch(/needs its Chart\.yaml/);
  });

  it('helm_show chart and values', async () => {
    expect((await helmCall('helm_show', { chart: CHART })).structuredContent!.parsed).toMatchObject({ name: 'webapp', version: '0.1.0' });
    const values = await helmCall('helm_show', { chart: CHART, what: 'values' });
    expect((values.structuredContent!.parsed as { dbPassword: string; replicaCount: number })).toMatchObject({ dbPassword: '***', replicaCount: 1 });
  });
});

describe('helm MCP server: resources and prompts', () => {
  it('lists releases as a resource and offers a chart review', async () => {
    const releases = await client.readResource({ uri: 'helm://releases' });
    expect((releases.contents[0] as { text: string }).text).toMatch(new RegExp(`${RELEASE}\\s+${NS}\\s+2\\s+deployed`));
    const prompt = await client.getPrompt({ name: 'review-chart', arguments: { chart: CHART } });
    expect((prompt.messages[0]!.content as { text: string }).text).toContain('helm_lint');
  });
});

describe('helm MCP server: bad input never reaches argv, and the server keeps serving', () => {
  it.each([
    ['flag-like release', 'helm_status', { release: '--kubeconfig=/tmp/x', namespace: NS }, /release name/],
    ['shell syntax in a release', 'helm_history', { release: 'a;rm -rf /', namespace: NS }, /release name/],
    ['flag-like chart', 'helm_template', { chart: '--post-renderer=/bin/sh' }, /local chart/],
    ['missing chart', 'helm_lint', { chart: '/nonexistent/chart' }, /chart \/nonexistent\/chart does not exist/],
    ['a directory that is not a chart', 'helm_show', { chart: REPO_ROOT }, /without Chart.yaml/],
    ['missing namespace', 'helm_status', { release: RELEASE }, /namespace/i],
    ['unknown release', 'helm_status', { release: 'nope', namespace: NS }, /helm (status|get) failed: release: not found/],
    ['bad showOnly', 'helm_template', { chart: CHART, showOnly: ['../../etc/passwd'] }, /template path/],
  ])('%s', async (_label, tool, args, expected) => {
    const r = await call(client, tool, args);
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(expected);
    expect((await call(client, 'helm_list', { namespace: NS })).isError).toBeFalsy();
  });
});
