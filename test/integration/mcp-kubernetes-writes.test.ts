import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { kubectl } from '../../tools/cluster/exec.js';
import { waitFor } from '../../tools/cluster/processes.js';
import { CLI, cleanEnv, startHttpServer } from '../helpers/cli.js';
import { call, type Elicitor, elicitor, kubernetesClient, newClient, textOf } from '../helpers/mcp.js';

const NS = 'mcp-writes';
const WRITES = { K8S_EXPERTS_ALLOW_WRITES: 'true' };
const CANARY = 'write-canary-Zq81-77x';
const CANARY_FORMS = [CANARY, Buffer.from(CANARY).toString('base64')];

const k = (args: string[], input?: string) => kubectl(inject('kubectl'), inject('kubeconfig'), args, input);
const getJson = async <T>(args: string[]): Promise<T> => JSON.parse((await k([...args, '-o', 'json'])).stdout) as T;
const exists = async (args: string[]) => (await k(['get', ...args, '--ignore-not-found', '-o', 'name'])).stdout.trim() !== '';
const replicasOf = async (name: string) => (await getJson<{ spec: { replicas: number } }>(['get', 'deployment', name, '-n', NS])).spec.replicas;

const deployment = (name: string, replicas: number, image = 'nginx:1.27.3') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: NS, labels: { app: name } },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image }] } } },
});
const manifest = (...objects: object[]) => objects.map((o) => stringify(o)).join('---\n');

/** A client on a server with writes enabled; every confirmation request is answered by `answer`. */
function writer(reply: 'confirm' | 'decline' | 'cancel' | 'unticked', env: Record<string, string> = {}): Promise<{ client: Client; asked: Elicitor['asked'] }> {
  const e = elicitor(reply);
  return kubernetesClient(inject('kubeconfig'), { ...WRITES, ...env }, e).then((client) => ({ client, asked: e.asked }));
}

let confirming: { client: Client; asked: Elicitor['asked'] };
let declining: { client: Client; asked: Elicitor['asked'] };
let cannotAsk: Client;

beforeAll(async () => {
  // A namespace left by an earlier run may still be terminating: wait until it is gone.
  await k(['delete', 'namespace', NS, 'mcp-writes-extra', '--ignore-not-found', '--wait=true', '--timeout=120s']);
  await k(['create', 'namespace', NS]);
  confirming = await writer('confirm');
  declining = await writer('decline');
  cannotAsk = await kubernetesClient(inject('kubeconfig'), WRITES);
});

afterAll(async () => {
  for (const c of [confirming.client, declining.client, cannotAsk]) await c.close();
  await k(['delete', 'namespace', NS, '--ignore-not-found', '--wait=true', '--timeout=120s']);
});

describe('write tools exist only when writes are enabled', () => {
  it('a read-only server lists none and refuses a remembered name, naming the setting', async () => {
    const readOnly = await kubernetesClient(inject('kubeconfig'));
    const names = (await readOnly.listTools()).tools.map((t) => t.name);
    expect(names).not.toContain('k8s_apply');
    expect(names).not.toContain('k8s_delete');
    const r = await call(readOnly, 'k8s_delete', { kind: 'namespace', name: NS });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('k8s_delete changes the cluster, and this server is read-only. Fix: an operator can enable writes with mcp.allowWrites');
    expect(await exists(['namespace', NS])).toBe(true);
    await readOnly.close();
  });

  it('with writes on: every write tool, honest annotations, an output schema', async () => {
    const { tools } = await confirming.client.listTools();
    const writes = tools.filter((t) => t.annotations?.readOnlyHint === false);
    expect(writes.map((t) => t.name).sort()).toEqual(['k8s_annotate', 'k8s_apply', 'k8s_cordon', 'k8s_create', 'k8s_delete', 'k8s_drain', 'k8s_label', 'k8s_patch', 'k8s_rollout_restart', 'k8s_rollout_undo', 'k8s_scale', 'k8s_uncordon']);
    const destructive = Object.fromEntries(writes.map((t) => [t.name, t.annotations?.destructiveHint]));
    expect(destructive).toMatchObject({ k8s_delete: true, k8s_drain: true, k8s_patch: true, k8s_create: false, k8s_cordon: false });
    for (const t of writes) expect(t.outputSchema, t.name).toBeDefined();
  });
});

describe('k8s_apply: server-side apply with a dry run and a diff', () => {
  const web = manifest(deployment('web', 2), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NS }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });

  it('dryRun previews new objects and creates nothing', async () => {
    const r = await call(confirming.client, 'k8s_apply', { manifest: web, dryRun: true });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ dryRun: true, changes: [{ kind: 'Deployment', name: 'web', action: 'created' }, { kind: 'Service', name: 'web', action: 'created' }] });
    expect(textOf(r)).toMatch(/^DRY RUN — nothing was changed/);
    expect(textOf(r)).toContain('deployment.apps/web -n mcp-writes created (server dry run)');
    expect(r.structuredContent!.diff).toContain('+  replicas: 2');
    expect(await exists(['deployment', 'web', '-n', NS])).toBe(false);
  });

  it('creating is additive: applied without asking; applying again changes nothing', async () => {
    const before = confirming.asked.length;
    const r = await call(confirming.client, 'k8s_apply', { manifest: web });
    expect(r.structuredContent).toMatchObject({ dryRun: false, summary: '2 objects: 2 created.' });
    expect(await replicasOf('web')).toBe(2);
    const again = await call(confirming.client, 'k8s_apply', { manifest: web });
    expect(again.structuredContent!.summary).toBe('2 objects: 2 unchanged.');
    expect(confirming.asked.length).toBe(before);
  });

  it('changing an object asks first: declined changes nothing, and the question carried the diff', async () => {
    const r = await call(declining.client, 'k8s_apply', { manifest: manifest(deployment('web', 3)) });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('was not confirmed (declined); nothing was changed');
    expect(await replicasOf('web')).toBe(2);
    const message = declining.asked.at(-1)!.message;
    expect(message).toContain('Confirm: apply deployment.apps/web');
    expect(message).toContain('-  replicas: 2');
    expect(message).toContain('+  replicas: 3');
  });

  it('confirmed, it is applied', async () => {
    const r = await call(confirming.client, 'k8s_apply', { manifest: manifest(deployment('web', 3)) });
    expect(r.structuredContent).toMatchObject({ dryRun: false, changes: [{ name: 'web', action: 'configured' }] });
    expect(await replicasOf('web')).toBe(3);
  });

  it('a client that cannot be asked is refused; with confirmation turned off by the operator it goes through', async () => {
    const r = await call(cannotAsk, 'k8s_apply', { manifest: manifest(deployment('web', 1)) });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/cannot be asked \(it declares no elicitation capability\); nothing was changed/);
    expect(textOf(r)).toContain('dryRun: true');
    expect(await replicasOf('web')).toBe(3);
    const unattended = await kubernetesClient(inject('kubeconfig'), { ...WRITES, K8S_EXPERTS_MCP_CONFIRM_DESTRUCTIVE: 'false' });
    const ok = await call(unattended, 'k8s_apply', { manifest: manifest(deployment('web', 1)) });
    expect(ok.isError).toBeFalsy();
    expect(await replicasOf('web')).toBe(1);
    await unattended.close();
  });

  it('a namespace and what goes in it, in one manifest, dry-runs and applies', async () => {
    const ns = 'mcp-writes-extra';
    const objects = manifest({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: ns }, data: { mode: 'prod' } }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const preview = await call(confirming.client, 'k8s_apply', { manifest: objects, dryRun: true });
    expect(preview.structuredContent!.summary).toContain('could not dry-run configmap/settings -n mcp-writes-extra');
    expect(await exists(['namespace', ns])).toBe(false);
    const r = await call(confirming.client, 'k8s_apply', { manifest: objects });
    expect((r.structuredContent!.changes as Array<{ kind: string }>).map((c) => c.kind)).toEqual(['Namespace', 'ConfigMap']);
    expect(await exists(['configmap', 'settings', '-n', ns])).toBe(true);
    await k(['delete', 'namespace', ns, '--wait=true', '--timeout=120s']);
  });

  it('bad manifests get a clear error and the server keeps serving', async () => {
    const cases: Array<[string, RegExp]> = [
      ['kind: [oops', /not valid YAML: document 1/],
      ['apiVersion: v1\nkind: ConfigMap\nmetadata: {}', /no metadata\.name/],
      ['apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}', /serves no Widget in example\.com\/v1/],
      [manifest({ ...deployment('web', 1), metadata: { name: 'web', namespace: 'other' } }), /says namespace other, the call says mcp-writes/],
    ];
    for (const [text, message] of cases) {
      const r = await call(confirming.client, 'k8s_apply', { manifest: text, namespace: NS });
      expect(r.isError, text).toBe(true);
      expect(textOf(r)).toMatch(message);
    }
    expect((await call(confirming.client, 'k8s_list', { kind: 'deploy', namespace: NS })).isError).toBeFalsy();
  });

  it('an invalid object is refused by the server with its own reason', async () => {
    const r = await call(confirming.client, 'k8s_apply', { manifest: manifest({ ...deployment('broken', 1), spec: { ...deployment('broken', 1).spec, replicas: -1 } }) });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/deployment\.apps\/broken failed: 422 Invalid: .*replicas/);
  });
});

describe('k8s_create', () => {
  it('creates with generateName; an existing object is an error that points to k8s_apply', async () => {
    const r = await call(confirming.client, 'k8s_create', { manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: job-config-}\ndata: {a: "1"}', namespace: NS });
    const name = (r.structuredContent!.changes as Array<{ name: string }>)[0]!.name;
    expect(name).toMatch(/^job-config-[a-z0-9]{5}$/);
    expect(await exists(['configmap', name, '-n', NS])).toBe(true);
    const again = await call(confirming.client, 'k8s_create', { manifest: manifest(deployment('web', 1)) });
    expect(again.isError).toBe(true);
    expect(textOf(again)).toMatch(/409 AlreadyExists.*use k8s_apply/);
  });
});

describe('k8s_patch, k8s_scale, rollouts', () => {
  it('patch: merge and json patches; a patch of the wrong shape is explained', async () => {
    await k(['create', 'configmap', 'tunables', '-n', NS, '--from-literal=level=1']);
    const merge = await call(confirming.client, 'k8s_patch', { kind: 'cm', name: 'tunables', namespace: NS, type: 'merge', patch: { data: { level: '2' } } });
    expect(merge.structuredContent!.diff).toContain('+  level: "2"');
    const json = await call(confirming.client, 'k8s_patch', { kind: 'cm', name: 'tunables', namespace: NS, type: 'json', patch: [{ op: 'add', path: '/data/extra', value: 'x' }] });
    expect(json.isError).toBeFalsy();
    expect((await getJson<{ data: Record<string, string> }>(['get', 'cm', 'tunables', '-n', NS])).data).toEqual({ level: '2', extra: 'x' });
    const wrong = await call(confirming.client, 'k8s_patch', { kind: 'cm', name: 'tunables', namespace: NS, type: 'json', patch: { data: {} } });
    expect(textOf(wrong)).toContain('a json patch is a list of operations');
    const missing = await call(confirming.client, 'k8s_patch', { kind: 'cm', name: 'nope', namespace: NS, type: 'merge', patch: { data: {} } });
    expect(textOf(missing)).toContain('configmaps "nope" not found in namespace mcp-writes');
  });

  it('scale: a small step up without asking, a large one and any step down only when confirmed, currentReplicas guards a race', async () => {
    const asked = confirming.asked.length;
    const small = await call(declining.client, 'k8s_scale', { name: 'web', namespace: NS, replicas: 1 });
    expect(small.structuredContent).toMatchObject({ from: 1, to: 1, guardian: { verdict: 'allow' } });
    // 1 → 4 is a 300% change: the guardian's large-replica-change rule wants a person's approval.
    const up = await call(confirming.client, 'k8s_scale', { name: 'web', namespace: NS, replicas: 4 });
    expect(up.structuredContent).toMatchObject({ from: 1, to: 4, summary: 'deployment.apps/web -n mcp-writes: replicas 1 → 4 (3 pods will be added).', guardian: { verdict: 'require-approval', rules: ['large-replica-change'] } });
    expect(confirming.asked.length).toBe(asked + 1);
    expect(confirming.asked.at(-1)!.message).toContain('The guardian policy requires a person\'s approval');
    const refused = await call(declining.client, 'k8s_scale', { name: 'web', namespace: NS, replicas: 0 });
    expect(refused.isError).toBe(true);
    expect(await replicasOf('web')).toBe(4);
    const raced = await call(confirming.client, 'k8s_scale', { name: 'web', namespace: NS, replicas: 2, currentReplicas: 3 });
    expect(textOf(raced)).toContain('has 4 replicas, not 3 as expected');
    const down = await call(confirming.client, 'k8s_scale', { name: 'web', namespace: NS, replicas: 2 });
    expect(down.structuredContent!.summary).toContain('2 pods will be removed');
    expect(confirming.asked.at(-1)!.message).toContain('scale deployment.apps/web -n mcp-writes from 4 to 2 replicas');
    expect(await replicasOf('web')).toBe(2);
    const notScalable = await call(confirming.client, 'k8s_scale', { kind: 'configmap', name: 'tunables', namespace: NS, replicas: 1 });
    expect(notScalable.isError).toBe(true);
  });

  it('rollout restart stamps the template; undo returns to the previous image', async () => {
    const restart = await call(confirming.client, 'k8s_rollout_restart', { kind: 'deployment', name: 'web', namespace: NS });
    expect(restart.structuredContent!.diff).toContain('kubectl.kubernetes.io/restartedAt');
    const template = await getJson<{ spec: { template: { metadata: { annotations?: Record<string, string> } } } }>(['get', 'deploy', 'web', '-n', NS]);
    expect(template.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeTruthy();

    await call(confirming.client, 'k8s_apply', { manifest: manifest(deployment('web', 2, 'nginx:1.28.0')) });
    const revisions = await waitFor(
      'three revisions of web',
      async () => {
        const r = await call(confirming.client, 'k8s_rollout', { kind: 'deployment', name: 'web', namespace: NS });
        const list = r.structuredContent!.revisions as Array<{ revision: number; images: string[] }>;
        return list.length >= 3 ? list : undefined;
      },
      30_000,
    );
    expect(revisions.at(-1)!.images).toEqual(['nginx:1.28.0']);
    const undo = await call(confirming.client, 'k8s_rollout_undo', { kind: 'deployment', name: 'web', namespace: NS });
    expect(undo.isError).toBeFalsy();
    expect(undo.structuredContent).toMatchObject({ fromRevision: revisions.at(-1)!.revision, toRevision: revisions.at(-2)!.revision });
    expect(undo.structuredContent!.diff).toContain('-          image: nginx:1.28.0');
    const image = (await getJson<{ spec: { template: { spec: { containers: Array<{ image: string }> } } } }>(['get', 'deploy', 'web', '-n', NS])).spec.template.spec.containers[0]!.image;
    expect(image).toBe('nginx:1.27.3');
    const nowhere = await call(confirming.client, 'k8s_rollout_undo', { kind: 'deployment', name: 'web', namespace: NS, toRevision: 99 });
    expect(textOf(nowhere)).toMatch(/has no revision 99.*its revisions: /);
  });
});

describe('k8s_label and k8s_annotate', () => {
  it('sets new keys freely; overwriting needs overwrite and a yes; null removes', async () => {
    const set = await call(declining.client, 'k8s_label', { kind: 'deploy', name: 'web', namespace: NS, labels: { team: 'shop' } });
    expect(set.isError).toBeFalsy(); // adding a label asks nothing, so even a declining client can
    const clash = await call(confirming.client, 'k8s_label', { kind: 'deploy', name: 'web', namespace: NS, labels: { team: 'payments' } });
    expect(textOf(clash)).toContain('label "team" already has the value "shop"; nothing was changed. Fix: pass overwrite: true');
    const declined = await call(declining.client, 'k8s_label', { kind: 'deploy', name: 'web', namespace: NS, labels: { team: 'payments' }, overwrite: true });
    expect(declined.isError).toBe(true);
    await call(confirming.client, 'k8s_label', { kind: 'deploy', name: 'web', namespace: NS, labels: { team: 'payments' }, overwrite: true });
    const annotate = await call(confirming.client, 'k8s_annotate', { kind: 'deploy', name: 'web', namespace: NS, annotations: { 'example.com/owner': 'ops team' } });
    expect(annotate.isError).toBeFalsy();
    const meta = (await getJson<{ metadata: { labels: Record<string, string>; annotations: Record<string, string> } }>(['get', 'deploy', 'web', '-n', NS])).metadata;
    expect(meta.labels.team).toBe('payments');
    expect(meta.annotations['example.com/owner']).toBe('ops team');
    await call(confirming.client, 'k8s_label', { kind: 'deploy', name: 'web', namespace: NS, labels: { team: null } });
    expect((await getJson<{ metadata: { labels: Record<string, string> } }>(['get', 'deploy', 'web', '-n', NS])).metadata.labels.team).toBeUndefined();
    const badKey = await call(confirming.client, 'k8s_label', { kind: 'deploy', name: 'web', namespace: NS, labels: { 'bad key!': 'x' } });
    expect(badKey.isError).toBe(true);
  });
});

describe('policy at call time', () => {
  it('protected namespaces and the protected Namespace objects themselves are refused', async () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: sneaky, namespace: kube-system}';
    const apply = await call(confirming.client, 'k8s_apply', { manifest: cm });
    expect(textOf(apply)).toContain('namespace kube-system is protected (mcp.protectedNamespaces)');
    const del = await call(confirming.client, 'k8s_delete', { kind: 'namespace', name: 'kube-system' });
    expect(textOf(del)).toContain('namespace kube-system is protected');
    const custom = await kubernetesClient(inject('kubeconfig'), { ...WRITES, K8S_EXPERTS_MCP_PROTECTED_NAMESPACES: NS });
    const scale = await call(custom, 'k8s_scale', { name: 'web', namespace: NS, replicas: 5, dryRun: true });
    expect(textOf(scale)).toContain(`namespace ${NS} is protected`);
    await custom.close();
    expect(await exists(['configmap', 'sneaky', '-n', 'kube-system'])).toBe(false);
  });

  it('denied kinds cannot be written; bad names never reach the API', async () => {
    const denied = await kubernetesClient(inject('kubeconfig'), { ...WRITES, K8S_EXPERTS_MCP_DENIED_KINDS: 'secrets' });
    const r = await call(denied, 'k8s_apply', { manifest: `apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ${NS}}\nstringData: {a: b}` });
    expect(textOf(r)).toContain('access to secrets is denied by policy');
    await denied.close();
    for (const args of [
      { kind: 'deploy', name: '--kubeconfig=/tmp/x', namespace: NS },
      { kind: 'a;rm -rf /', name: 'web', namespace: NS },
      { kind: 'deploy', name: 'web', namespace: '-n' },
    ]) {
      const bad = await call(confirming.client, 'k8s_delete', args);
      expect(bad.isError, JSON.stringify(args)).toBe(true);
    }
    const negative = await call(confirming.client, 'k8s_scale', { name: 'web', namespace: NS, replicas: -3 });
    expect(negative.isError).toBe(true);
    expect(await exists(['deployment', 'web', '-n', NS])).toBe(true);
  });
});

describe('Secret values stay masked on the write paths', () => {
  it('apply of a Secret (new, then changed): no value in results or in the question asked', async () => {
    const secret = (value: string) => `apiVersion: v1\nkind: Secret\nmetadata: {name: db-creds, namespace: ${NS}}\nstringData: {password: "${value}", user: app-user-42}`;
    const results = [await call(confirming.client, 'k8s_apply', { manifest: secret(CANARY), dryRun: true }), await call(confirming.client, 'k8s_apply', { manifest: secret(CANARY) })];
    const changed = await call(confirming.client, 'k8s_apply', { manifest: secret(`${CANARY}-rotated`) });
    expect(changed.structuredContent!.diff).toMatch(/password: "\*\*\* \(\d+ bytes, changed\)"/);
    results.push(changed, await call(confirming.client, 'k8s_delete', { kind: 'secret', name: 'db-creds', namespace: NS, dryRun: true }));
    const everything = JSON.stringify([results, confirming.asked]);
    for (const leak of [...CANARY_FORMS, `${CANARY}-rotated`, Buffer.from(`${CANARY}-rotated`).toString('base64')]) expect(everything).not.toContain(leak);
  });
});

describe('k8s_delete', () => {
  it('previews with its blast radius, keeps the object when declined, deletes when confirmed', async () => {
    const preview = await call(confirming.client, 'k8s_delete', { kind: 'deployment', name: 'web', namespace: NS, dryRun: true });
    expect(preview.isError, textOf(preview)).toBeFalsy();
    expect(preview.structuredContent!.summary).toMatch(/deployment\.apps\/web -n mcp-writes would be deleted\. Its \d+ pods? go/);
    expect(preview.structuredContent!.diff).toContain('-kind: Deployment');
    expect(await exists(['deployment', 'web', '-n', NS])).toBe(true);
    const declined = await call(declining.client, 'k8s_delete', { kind: 'deployment', name: 'web', namespace: NS });
    expect(declined.isError, textOf(declined)).toBe(true);
    expect(await exists(['deployment', 'web', '-n', NS])).toBe(true);
    const failing: Elicitor = {
      asked: [],
      answer: () => {
        throw new Error('the confirmation dialog crashed');
      },
    };
    const broken = await kubernetesClient(inject('kubeconfig'), WRITES, failing);
    const failed = await call(broken, 'k8s_delete', { kind: 'deployment', name: 'web', namespace: NS });
    expect(textOf(failed)).toMatch(/was not confirmed: asking the client failed \(.*the confirmation dialog crashed\); nothing was changed/);
    await broken.close();
    expect(await exists(['deployment', 'web', '-n', NS])).toBe(true);
    const unticked = await writer('unticked');
    expect(textOf(await call(unticked.client, 'k8s_delete', { kind: 'deployment', name: 'web', namespace: NS }))).toContain('accepted without ticking confirm');
    await unticked.client.close();
    const done = await call(confirming.client, 'k8s_delete', { kind: 'deployment', name: 'web', namespace: NS });
    expect(done.structuredContent).toMatchObject({ dryRun: false, changes: [{ kind: 'Deployment', name: 'web', action: 'deleted' }] });
    await waitFor('web deleted', async () => ((await exists(['deployment', 'web', '-n', NS])) ? undefined : true), 30_000);
  });
});

describe('confirmation over the real transports', () => {
  const home = () => mkdtempSync(join(tmpdir(), 'k8sx-mcp-writes-'));
  const cm = (level: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: over-the-wire, namespace: ${NS}}\ndata: {level: "${level}"}`;
  const level = async () => (await getJson<{ data: { level: string } }>(['get', 'cm', 'over-the-wire', '-n', NS])).data.level;

  it('Streamable HTTP: the question reaches the client on the call\'s stream and the answer is honoured', async () => {
    let proc: ChildProcess | undefined;
    try {
      const started = await startHttpServer('kubernetes', { HOME: home(), KUBECONFIG: inject('kubeconfig'), ...WRITES });
      proc = started.proc;
      const e = elicitor('confirm');
      const client = newClient(e);
      await client.connect(new StreamableHTTPClientTransport(new URL(started.url)));
      await call(client, 'k8s_apply', { manifest: cm('1') });
      const r = await call(client, 'k8s_apply', { manifest: cm('2') });
      expect(r.isError).toBeFalsy();
      expect(e.asked).toHaveLength(1);
      expect(e.asked[0]!.message).toContain('+  level: "2"');
      expect(await level()).toBe('2');
      await client.close();
    } finally {
      proc?.kill('SIGTERM');
    }
  });

  it('stdio (the real bin): a declined change is not made', async () => {
    const e = elicitor('decline');
    const client = newClient(e);
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', 'kubernetes'], env: cleanEnv({ HOME: home(), KUBECONFIG: inject('kubeconfig'), ...WRITES }), stderr: 'ignore' }));
    const r = await call(client, 'k8s_apply', { manifest: cm('3') });
    expect(r.isError).toBe(true);
    expect(e.asked).toHaveLength(1);
    expect(await level()).toBe('2');
    await client.close();
  });
});
