import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { helmServerFactory } from '../../mcp-servers/helm/index.js';
import { kubectl, run } from '../../tools/cluster/exec.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { call, connectInMemory, type Elicitor, elicitor, silentLogger, testConfig, textOf } from '../helpers/mcp.js';

const NS = 'helm-writes';
const WEB = 'web';
const CHARTS = join(REPO_ROOT, 'test', 'fixtures', 'charts');
const CHART = join(CHARTS, 'webapp');
const BROKEN = join(CHARTS, 'broken');
const CROSS_NAMESPACE = join(CHARTS, 'cross-namespace');
const WRITE_TOOLS = ['helm_install', 'helm_upgrade', 'helm_rollback', 'helm_uninstall'];
/** The webapp chart's default dbPassword, and the one an upgrade rotates it to. */
const CANARY = 'helm-canary-Pw-4411';
const ROTATED = 'rotated-Pw-90817';
const LEAKS = [CANARY, ROTATED].flatMap((v) => [v, Buffer.from(v).toString('base64')]);

const helm = (...args: string[]) => run(inject('helm'), [...args, '--kubeconfig', inject('kubeconfig')]);

/** The release's latest revision as helm itself records it; undefined when there is no such release. */
async function revisionOf(release: string, namespace = NS): Promise<number | undefined> {
  try {
    const { stdout } = await helm('history', release, '--namespace', namespace, '--max', '1', '--output', 'json');
    return (JSON.parse(stdout) as Array<{ revision: number }>).at(-1)?.revision;
  } catch (e) {
    if (/release: not found/.test(String(e))) return undefined;
    throw e;
  }
}

async function valuesOf(release: string): Promise<Record<string, unknown>> {
  return JSON.parse((await helm('get', 'values', release, '--namespace', NS, '--output', 'json')).stdout) as Record<string, unknown>;
}

const clients: Client[] = [];
const elicitors: Elicitor[] = [];

/** A client on a fresh helm server with writes enabled (plus `env`), answering confirmations through `elicit`. */
async function connect(options: { env?: Record<string, string>; elicit?: Elicitor } = {}): Promise<Client> {
  const config = testConfig({ K8S_EXPERTS_KUBECONFIG: inject('kubeconfig'), K8S_EXPERTS_ALLOW_WRITES: 'true', ...options.env });
  const client = await connectInMemory(helmServerFactory(config, silentLogger(), 'test', inject('helm'))(), options.elicit);
  clients.push(client);
  if (options.elicit) elicitors.push(options.elicit);
  return client;
}

/** Every result, and every confirmation request any client was sent so far, is checked for the credentials. */
async function helmCall(client: Client, tool: string, args: Record<string, unknown>) {
  const result = await call(client, tool, args);
  const all = JSON.stringify(result);
  for (const leak of LEAKS) expect(all, `${tool} leaked ${leak}`).not.toContain(leak);
  const asked = JSON.stringify(elicitors.map((e) => e.asked));
  for (const leak of LEAKS) expect(asked, `a confirmation request leaked ${leak}`).not.toContain(leak);
  return result;
}

interface Change {
  kind: string;
  name: string;
  namespace: string | null;
  action: string;
}
const changesOf = (r: { structuredContent?: Record<string, unknown> }) => r.structuredContent!.changes as Change[];
const actionOf = (r: { structuredContent?: Record<string, unknown> }, kind: string) => changesOf(r).find((c) => c.kind === kind)?.action;

let confirmer: Elicitor;
let writer: Client;

beforeAll(async () => {
  // A run that was interrupted may have left the release or a terminating namespace behind.
  await helm('uninstall', WEB, '--namespace', NS).catch(() => undefined);
  await kubectl(inject('kubectl'), inject('kubeconfig'), ['delete', 'namespace', NS, '--ignore-not-found', '--wait=true', '--timeout=180s']);
  confirmer = elicitor('confirm');
  writer = await connect({ elicit: confirmer });
});

afterAll(async () => {
  for (const client of clients) await client.close();
  for (const release of [WEB, 'cross', 'broken']) await helm('uninstall', release, '--namespace', NS).catch(() => undefined);
  await kubectl(inject('kubectl'), inject('kubeconfig'), ['delete', 'namespace', NS, '--ignore-not-found', '--wait=true', '--timeout=120s']);
});

describe('helm write tools: only when writes are enabled', () => {
  it('a read-only server lists none of them and refuses a call naming mcp.allowWrites', async () => {
    const readOnly = await connectInMemory(helmServerFactory(testConfig({ K8S_EXPERTS_KUBECONFIG: inject('kubeconfig') }), silentLogger(), 'test', inject('helm'))());
    clients.push(readOnly);
    const names = (await readOnly.listTools()).tools.map((t) => t.name);
    expect(names).toContain('helm_list');
    for (const tool of WRITE_TOOLS) expect(names).not.toContain(tool);
    for (const tool of WRITE_TOOLS) {
      const r = await call(readOnly, tool, { release: WEB, chart: CHART, namespace: NS });
      expect(r.isError, tool).toBe(true);
      expect(textOf(r)).toMatch(/read-only.*mcp\.allowWrites/);
    }
    expect(await revisionOf(WEB)).toBeUndefined();
    expect((await call(readOnly, 'helm_list', {})).isError).toBeFalsy();
  });

  it('with writes enabled all four are listed, with honest annotations', async () => {
    const tools = (await writer.listTools()).tools.filter((t) => WRITE_TOOLS.includes(t.name));
    expect(tools.map((t) => t.name).sort()).toEqual([...WRITE_TOOLS].sort());
    for (const t of tools) expect(t.annotations, t.name).toMatchObject({ readOnlyHint: false, idempotentHint: false, destructiveHint: t.name !== 'helm_install' });
  });
});

describe('helm write tools: a release from install to uninstall', () => {
  it('helm_install dry run lists the objects and changes nothing', async () => {
    const r = await helmCall(writer, 'helm_install', { release: WEB, chart: CHART, namespace: NS, createNamespace: true, values: { replicaCount: 2 }, dryRun: true });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ dryRun: true, release: WEB, namespace: NS, revision: 1, chart: 'webapp-0.1.0' });
    expect(changesOf(r).map((c) => `${c.kind}/${c.action}`).sort()).toEqual(['Deployment/created', 'Secret/created', 'Service/created', 'ServiceAccount/created']);
    expect(changesOf(r).every((c) => c.namespace === NS)).toBe(true);
    expect(textOf(r)).toMatch(/^DRY RUN — nothing was changed/);
    expect(r.structuredContent!.diff).toMatch(/^\+\s+replicas: 2$/m);
    expect(r.structuredContent!.diff).toMatch(/password: "?\*\*\* \(19 bytes\)/);
    expect(r.structuredContent!.notes).toContain('Get the application URL');
    expect(confirmer.asked).toHaveLength(0);
    expect(await revisionOf(WEB)).toBeUndefined();
  });

  it('helm_install for real: deployed once approved (installing is additive, but the chart creates a Secret: the guardian\'s secrets-need-approval)', async () => {
    const r = await helmCall(writer, 'helm_install', { release: WEB, chart: CHART, namespace: NS, createNamespace: true, values: { replicaCount: 2 } });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ dryRun: false, revision: 1, status: 'deployed', chart: 'webapp-0.1.0', guardian: { verdict: 'require-approval', rules: ['secrets-need-approval'] } });
    expect(actionOf(r, 'Deployment')).toBe('created');
    expect(confirmer.asked).toHaveLength(1);
    expect(confirmer.asked[0]!.message).toMatch(/^Confirm: install release web \(chart webapp-0\.1\.0\) in namespace helm-writes/);
    const status = await helmCall(writer, 'helm_status', { release: WEB, namespace: NS });
    expect(status.structuredContent).toMatchObject({ status: 'deployed', revision: 1 });
  });

  it('a second install of the same name fails with helm\'s own message', async () => {
    const r = await helmCall(writer, 'helm_install', { release: WEB, chart: CHART, namespace: NS });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/helm install failed: .*cannot re-use a name that is still in use/);
    expect(await revisionOf(WEB)).toBe(1);
  });

  it('helm_upgrade dry run: the diff shows the changed line, unchanged objects stay unchanged, nothing changes', async () => {
    const r = await helmCall(writer, 'helm_upgrade', { release: WEB, chart: CHART, namespace: NS, values: { replicaCount: 3 }, dryRun: true });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ dryRun: true, revision: 2 });
    expect(r.structuredContent!.diff).toMatch(/^-\s+replicas: 2$/m);
    expect(r.structuredContent!.diff).toMatch(/^\+\s+replicas: 3$/m);
    expect(actionOf(r, 'Deployment')).toBe('configured');
    expect(actionOf(r, 'Service')).toBe('unchanged');
    expect(await revisionOf(WEB)).toBe(1);
  });

  it('helm_upgrade declined (or accepted without ticking): not confirmed, nothing changes', async () => {
    for (const answer of ['decline', 'unticked'] as const) {
      const person = elicitor(answer);
      const client = await connect({ elicit: person });
      const r = await helmCall(client, 'helm_upgrade', { release: WEB, chart: CHART, namespace: NS, values: { replicaCount: 3 } });
      expect(r.isError, answer).toBe(true);
      expect(textOf(r)).toMatch(/upgrade release web in namespace helm-writes .* was not confirmed \((declined|accepted without ticking confirm)\); nothing was changed/);
      expect(person.asked).toHaveLength(1);
      expect(await revisionOf(WEB)).toBe(1);
      expect(await valuesOf(WEB)).toEqual({ replicaCount: 2 });
    }
  });

  it('helm_upgrade confirmed: the person saw the diff (a rotated password only as "changed"), the revision goes up', async () => {
    const before = confirmer.asked.length;
    const r = await helmCall(writer, 'helm_upgrade', { release: WEB, chart: CHART, namespace: NS, values: { replicaCount: 3, dbPassword: ROTATED } });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ dryRun: false, revision: 2, status: 'deployed' });
    expect(actionOf(r, 'Secret')).toBe('configured');
    expect(confirmer.asked).toHaveLength(before + 1);
    const message = confirmer.asked.at(-1)!.message;
    expect(message).toMatch(/^Confirm: upgrade release web in namespace helm-writes from revision 1 .* to chart webapp-0\.1\.0 as revision 2/);
    expect(message).toMatch(/^\+\s+replicas: 3$/m);
    expect(message).toMatch(/password: "?\*\*\* \(16 bytes, changed\)/);
    expect(message).toContain('deployment.apps/web-webapp -n helm-writes configured');
    expect(await revisionOf(WEB)).toBe(2);
    expect(await valuesOf(WEB)).toEqual({ replicaCount: 3, dbPassword: ROTATED });
  });

  it('helm_upgrade from a client that cannot be asked is refused; with mcp.confirmDestructive=false it runs without asking', async () => {
    const plain = await connect();
    const refused = await helmCall(plain, 'helm_upgrade', { release: WEB, chart: CHART, namespace: NS, values: { replicaCount: 4 }, reuseValues: true });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/needs a person's confirmation, and this MCP client cannot be asked .*nothing was changed/);
    expect(await revisionOf(WEB)).toBe(2);

    // An elicitor that would decline proves nobody was asked.
    const nobody = elicitor('decline');
    const unattended = await connect({ env: { K8S_EXPERTS_MCP_CONFIRM_DESTRUCTIVE: 'false' }, elicit: nobody });
    const r = await helmCall(unattended, 'helm_upgrade', { release: WEB, chart: CHART, namespace: NS, values: { replicaCount: 4 }, reuseValues: true });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ revision: 3, status: 'deployed' });
    expect(nobody.asked).toHaveLength(0);
    expect(await revisionOf(WEB)).toBe(3);
    expect(await valuesOf(WEB)).toEqual({ replicaCount: 4, dbPassword: ROTATED });
  });

  it('helm_rollback to revision 1: dry run shows the way back, confirmed it records revision 4', async () => {
    const dry = await helmCall(writer, 'helm_rollback', { release: WEB, namespace: NS, revision: 1, dryRun: true });
    expect(dry.isError, textOf(dry)).toBeFalsy();
    expect(dry.structuredContent!.diff).toMatch(/^-\s+replicas: 4$/m);
    expect(dry.structuredContent!.diff).toMatch(/^\+\s+replicas: 2$/m);
    expect(await revisionOf(WEB)).toBe(3);

    const before = confirmer.asked.length;
    const r = await helmCall(writer, 'helm_rollback', { release: WEB, namespace: NS, revision: 1 });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ dryRun: false, revision: 4, status: 'deployed' });
    expect(confirmer.asked).toHaveLength(before + 1);
    expect(confirmer.asked.at(-1)!.message).toMatch(/^Confirm: roll back release web in namespace helm-writes from revision 3 .* to revision 1/);
    expect(await revisionOf(WEB)).toBe(4);
    expect(await valuesOf(WEB)).toEqual({ replicaCount: 2 });
  });

  it('helm_uninstall: dry run lists every object as deleted, confirmed the release is gone', async () => {
    const dry = await helmCall(writer, 'helm_uninstall', { release: WEB, namespace: NS, dryRun: true });
    expect(dry.isError, textOf(dry)).toBeFalsy();
    expect(changesOf(dry)).toHaveLength(4);
    expect(changesOf(dry).every((c) => c.action === 'deleted')).toBe(true);
    expect(dry.structuredContent!.diff).toMatch(/^-kind: Deployment$/m);
    expect(await revisionOf(WEB)).toBe(4);

    const before = confirmer.asked.length;
    const r = await helmCall(writer, 'helm_uninstall', { release: WEB, namespace: NS });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ dryRun: false, status: 'uninstalled', revision: null });
    expect(confirmer.asked).toHaveLength(before + 1);
    expect(confirmer.asked.at(-1)!.message).toContain('deployment.apps/web-webapp -n helm-writes deleted');
    expect(await revisionOf(WEB)).toBeUndefined();
    const status = await helmCall(writer, 'helm_status', { release: WEB, namespace: NS });
    expect(status.isError).toBe(true);
  });

  it('helm_upgrade with install: true previews a release that does not exist yet as all created', async () => {
    const r = await helmCall(writer, 'helm_upgrade', { release: WEB, chart: CHART, namespace: NS, install: true, dryRun: true });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ dryRun: true, revision: 1 });
    expect(changesOf(r).map((c) => c.action)).toEqual(['created', 'created', 'created', 'created']);
    expect(textOf(r)).toContain('from nothing (a new install)');
    expect(await revisionOf(WEB)).toBeUndefined();
  });
});

describe('helm write tools: policy and bad input', () => {
  it('a chart that puts an object into kube-system is refused, though the release\'s namespace is not protected', async () => {
    const r = await helmCall(writer, 'helm_install', { release: 'cross', chart: CROSS_NAMESPACE, namespace: NS, createNamespace: true });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/release cross would change configmap\/cross-probe in namespace kube-system: namespace kube-system is protected/);
    expect(await revisionOf('cross')).toBeUndefined();
  });

  it('a denied kind in the chart is refused (mcp.deniedKinds)', async () => {
    const denying = await connect({ env: { K8S_EXPERTS_MCP_DENIED_KINDS: 'secrets' }, elicit: elicitor('confirm') });
    const r = await helmCall(denying, 'helm_install', { release: WEB, chart: CHART, namespace: NS, createNamespace: true, dryRun: true });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/secret\/web-webapp-db .*denied by policy \(mcp\.deniedKinds\)/);
  });

  it.each([
    ['a protected namespace (install)', 'helm_install', { release: 'x', chart: CHART, namespace: 'kube-system' }, /namespace kube-system is protected/],
    ['a protected namespace (uninstall)', 'helm_uninstall', { release: 'x', namespace: 'kube-system' }, /namespace kube-system is protected/],
    ['shell syntax in a release', 'helm_install', { release: 'a;rm -rf /', chart: CHART, namespace: NS }, /release name/],
    ['a flag as the chart', 'helm_upgrade', { release: 'x', chart: '--set=x', namespace: NS }, /local chart/],
    ['a flag as the namespace', 'helm_rollback', { release: 'x', namespace: '-n' }, /namespace name/],
    ['a flag as the context', 'helm_uninstall', { release: 'x', namespace: NS, context: '--kubeconfig=/tmp/x' }, /context name/],
    ['a revision that is no number', 'helm_rollback', { release: 'x', namespace: NS, revision: '1; rm' }, /revision/],
    ['a timeout out of range', 'helm_install', { release: 'x', chart: CHART, namespace: NS, timeoutSeconds: 0 }, /timeoutSeconds/],
    ['reuseValues with resetValues', 'helm_upgrade', { release: 'x', chart: CHART, namespace: NS, reuseValues: true, resetValues: true }, /contradict/],
    ['a broken chart', 'helm_install', { release: 'broken', chart: BROKEN, namespace: NS, createNamespace: true }, /helm install failed: .*parse error/],
    ['an unknown release (upgrade)', 'helm_upgrade', { release: 'nope', chart: CHART, namespace: NS }, /release nope not found in namespace helm-writes.*install: true/],
    ['an unknown release (rollback)', 'helm_rollback', { release: 'nope', namespace: NS }, /release nope not found/],
    ['an unknown release (uninstall)', 'helm_uninstall', { release: 'nope', namespace: NS }, /release nope not found/],
  ])('%s', async (_label, tool, args, expected) => {
    const r = await helmCall(writer, tool, args);
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(expected);
    expect((await call(writer, 'helm_list', { namespace: NS })).isError).toBeFalsy();
  });

  it('no refusal above asked anyone, and nothing was installed', async () => {
    // The second install of web is asked too (helm's dry run does not catch a name in use; the install itself fails).
    expect(confirmer.asked.map((a) => a.message.split('\n')[0])).toEqual([
      expect.stringMatching(/^Confirm: install release web/),
      expect.stringMatching(/^Confirm: install release web/),
      expect.stringMatching(/^Confirm: upgrade release web/),
      expect.stringMatching(/^Confirm: roll back release web/),
      expect.stringMatching(/^Confirm: uninstall release web/),
    ]);
    for (const release of [WEB, 'cross', 'broken', 'x']) expect(await revisionOf(release), release).toBeUndefined();
  });
});
