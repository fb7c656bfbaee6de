/**
 * The workspace writer through a real MCP client: dry runs write nothing, writes land only
 * inside the workspace (no "..", no absolute paths, no symlink out), files that exist with other
 * content are refused unless overwrite is asked, and the chart change says what the request wants.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changeFromChartAnswer, chartIntent } from '../../agents/router/chart-change.js';
import type { ChangeReport } from '../../shared/mcp/change.js';
import { createWorkspaceServer } from '../../shared/execution/workspace-server.js';

let root: string;
let client: Client;

beforeEach(async () => {
  root = join(mkdtempSync(join(tmpdir(), 'k8sx-ws-')), 'workspace');
  const [a, b] = InMemoryTransport.createLinkedPair();
  await createWorkspaceServer(root, '1').connect(b);
  client = new Client({ name: 'test', version: '1' });
  await client.connect(a);
});
afterEach(async () => client.close());

const write = async (args: Record<string, unknown>) => {
  const r = await client.callTool({ name: 'workspace_write_files', arguments: args });
  const text = (r.content as Array<{ text: string }>).map((c) => c.text).join('\n');
  return { error: r.isError ? text : undefined, report: r.structuredContent as ChangeReport | undefined };
};
const chart = { 'Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 0.1.0\n', 'templates/service.yaml': 'kind: Service\n' };

describe('workspace_write_files', () => {
  it('dry-runs by default: says what it would write, writes nothing', async () => {
    const { error, report } = await write({ directory: 'charts/shop', files: chart });
    expect(error).toBeUndefined();
    expect(report).toMatchObject({ dryRun: true, blastRadius: { objects: 2 }, reversibility: { reversible: true } });
    expect(report!.changes.map((c) => [c.name, c.action])).toEqual([['charts/shop/Chart.yaml', 'created'], ['charts/shop/templates/service.yaml', 'created']]);
    expect(existsSync(root)).toBe(false);
  });

  it('writes the files, then finds them unchanged; other content is refused unless overwrite', async () => {
    expect((await write({ directory: 'charts/shop', files: chart, dryRun: false })).report!.summary).toMatch(/^wrote 2 files/);
    expect(readFileSync(join(root, 'charts/shop/templates/service.yaml'), 'utf8')).toBe('kind: Service\n');
    expect((await write({ directory: 'charts/shop', files: chart })).report!.changes.every((c) => c.action === 'unchanged')).toBe(true);
    const changed = { ...chart, 'Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 0.2.0\n' };
    expect((await write({ directory: 'charts/shop', files: changed, dryRun: false })).error).toMatch(/exists with other content.*overwrite/);
    expect(readFileSync(join(root, 'charts/shop/Chart.yaml'), 'utf8')).toContain('0.1.0');
    const over = await write({ directory: 'charts/shop', files: changed, overwrite: true });
    expect(over.report).toMatchObject({ reversibility: { reversible: false } });
    expect(over.report!.diff).toContain('-version: 0.1.0');
    expect(over.report!.diff).toContain('+version: 0.2.0');
    await write({ directory: 'charts/shop', files: changed, overwrite: true, dryRun: false });
    expect(readFileSync(join(root, 'charts/shop/Chart.yaml'), 'utf8')).toContain('0.2.0');
  });

  it.each([
    ['../escape', { a: 'x' }],
    ['/etc', { a: 'x' }],
    ['charts', { '../../escape': 'x' }],
    ['charts', { '/abs': 'x' }],
    ['charts', { 'a/./b': 'x' }],
  ])('refuses directory %s with files %j, naming the rule', async (directory, files) => {
    const { error } = await write({ directory, files, dryRun: false });
    expect(error).toMatch(/relative path|"\." or "\.\."/);
  });

  it('refuses a symlink that leads out of the workspace', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'k8sx-outside-'));
    mkdirSync(root, { recursive: true });
    symlinkSync(outside, join(root, 'link'));
    const { error } = await write({ directory: 'link/chart', files: { 'a.yaml': 'x' }, dryRun: false });
    expect(error).toMatch(/leads out of the workspace/);
    expect(existsSync(join(outside, 'chart'))).toBe(false);
  });

  it('refuses to overwrite a directory with a file', async () => {
    mkdirSync(join(root, 'charts/shop/Chart.yaml'), { recursive: true });
    writeFileSync(join(root, 'keep'), 'x');
    expect((await write({ directory: 'charts/shop', files: chart, dryRun: false })).error).toMatch(/not a regular file/);
  });
});

describe('a chart answer as a change', () => {
  const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'shop' } };
  const answer = { skill: 'generate-chart' as const, chart: { name: 'shop', files: chart }, plan: { namespace: 'shop' }, validation: { passed: true }, rendered: [{ source: 'templates/service.yaml', object: service }] };

  it.each([
    ['Create a Helm chart for nginx', { write: false, install: false }],
    ['Create a Helm chart for nginx and write it to my workspace', { write: true, install: false }],
    ['Generate a chart for redis and install it in namespace cache', { write: false, install: true }],
    ['Make a chart for shop, save the files to the workspace and deploy it to the cluster', { write: true, install: true }],
  ])('%s → %j', (text, intent) => {
    expect(chartIntent(text)).toEqual(intent);
  });

  it('proposes nothing when only the chart was asked for, or when it failed validation', () => {
    expect(changeFromChartAnswer(answer, { write: false, install: false })).toMatchObject({ reason: expect.stringContaining('only asks for the chart') });
    expect(changeFromChartAnswer({ ...answer, validation: { passed: false } }, { write: true, install: false })).toMatchObject({ reason: expect.stringContaining('validation') });
  });

  it('writes to charts/<name> and installs the staged copy, judged by what it renders', () => {
    const change = changeFromChartAnswer(answer, { write: true, install: true }, '/staged/abc/shop');
    expect(change).toMatchObject({
      verb: 'install',
      steps: [
        { tool: 'workspace_write_files', args: { directory: 'charts/shop', files: chart } },
        { tool: 'helm_install', args: { release: 'shop', chart: '/staged/abc/shop', namespace: 'shop', createNamespace: true } },
      ],
      action: { verb: 'install', kind: 'HelmChart', name: 'shop', namespace: 'shop', manifest: [service] },
    });
    expect(changeFromChartAnswer(answer, { write: false, install: true })).toMatchObject({ reason: expect.stringContaining('could not be kept') });
  });
});
