import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { kubectl } from '../../tools/cluster/exec.js';
import { call, kubernetesClient, textOf } from '../helpers/mcp.js';

// k8s_validate on a READ-ONLY server (the default): a server-side dry run that never persists.
const k = (args: string[]) => kubectl(inject('kubectl'), inject('kubeconfig'), args);
const exists = async (args: string[]) => (await k(['get', ...args, '--ignore-not-found', '-o', 'name'])).stdout.trim() !== '';
const manifest = (...objects: object[]) => objects.map((o) => stringify(o)).join('---\n');

const NAME = 'validate-probe-web';
const SECRET_VALUE = 'validate-canary-Hx92-k1';

const deployment = (name: string, replicas: number, namespace = 'default') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27.3' }] } } },
});
const service = (name: string, namespace = 'default') => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: name }, ports: [{ port: 80 }] } });

type Verdict = { kind: string; name: string; namespace: string | null; status: string; valid: boolean; error: { code: number; reason: string; message: string; causes: Array<{ field: string; message: string }> } | null; object: Record<string, unknown> | null; protectedNamespace: boolean; note: string | null };
const objectsOf = (r: { structuredContent?: Record<string, unknown> }) => r.structuredContent!.objects as Verdict[];

let client: Client;
beforeAll(async () => {
  client = await kubernetesClient(inject('kubeconfig'));
});
afterAll(async () => client.close());

describe('k8s_validate: server-side dry run on a read-only server', () => {
  it('is listed on the read-only server as a read tool', async () => {
    const tool = (await client.listTools()).tools.find((t) => t.name === 'k8s_validate');
    expect(tool?.annotations?.readOnlyHint).toBe(true);
    expect(tool?.annotations?.destructiveHint).toBe(false);
    const writes = (await client.listTools()).tools.filter((t) => t.annotations?.readOnlyHint !== true).map((t) => t.name);
    expect(writes).toEqual([]);
  });

  it('a valid deployment and service: valid, with defaults the server fills in, and nothing persisted', async () => {
    const r = await call(client, 'k8s_validate', { manifest: manifest(deployment(NAME, 2), service(NAME)) });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent!.valid).toBe(true);
    const [dep, svc] = objectsOf(r);
    expect(dep).toMatchObject({ kind: 'Deployment', name: NAME, namespace: 'default', status: 'valid', valid: true, error: null, protectedNamespace: false });
    // Defaults the API server fills in: the strategy of a Deployment, the clusterIP family of a Service.
    expect((dep!.object!.spec as { strategy?: { type?: string } }).strategy?.type).toBe('RollingUpdate');
    expect((dep!.object!.metadata as { managedFields?: unknown }).managedFields).toBeUndefined();
    expect((svc!.object!.spec as { type?: string }).type).toBe('ClusterIP');
    expect(textOf(r)).toContain('2 objects valid');
    expect(await exists(['deployment', NAME, '-n', 'default'])).toBe(false);
    expect(await exists(['service', NAME, '-n', 'default'])).toBe(false);
  });

  it('invalid replicas: the 422 with the field path and the server\'s message', async () => {
    const r = await call(client, 'k8s_validate', { manifest: manifest(deployment(NAME, -1)) });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent!.valid).toBe(false);
    const [dep] = objectsOf(r);
    expect(dep).toMatchObject({ status: 'invalid', valid: false, object: null });
    expect(dep!.error).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(dep!.error!.causes).toContainEqual({ field: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0' });
    expect(textOf(r)).toContain('spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  });

  it('an unknown field and a bad name: strict validation names both', async () => {
    const bad = deployment('Bad_Name', 1) as Record<string, unknown> & { spec: Record<string, unknown> };
    bad.spec.bogusField = true;
    const r = await call(client, 'k8s_validate', { manifest: manifest(bad) });
    const [dep] = objectsOf(r);
    expect(dep!.error!.causes).toContainEqual({ field: 'spec.bogusField', message: 'unknown field' });
    const named = await call(client, 'k8s_validate', { manifest: manifest(deployment('Bad_Name', 1)) });
    expect(objectsOf(named)[0]!.error!.causes.map((c) => c.field)).toContain('metadata.name');
  });

  it('mode apply: the dry run of a server-side apply over what exists', async () => {
    const r = await call(client, 'k8s_validate', { manifest: manifest(deployment('cart', 3, 'shop')), mode: 'apply', force: true });
    const [dep] = objectsOf(r);
    expect(dep).toMatchObject({ status: 'valid', namespace: 'shop' });
    expect((dep!.object!.spec as { replicas: number }).replicas).toBe(3);
    // Nothing changed: cart still has its 2 replicas.
    const now = JSON.parse((await k(['get', 'deployment', 'cart', '-n', 'shop', '-o', 'json'])).stdout) as { spec: { replicas: number } };
    expect(now.spec.replicas).toBe(2);
    // In create mode an existing object is reported as such (its content passed validation).
    const created = await call(client, 'k8s_validate', { manifest: manifest(deployment('cart', 3, 'shop')) });
    expect(objectsOf(created)[0]).toMatchObject({ status: 'exists', valid: true });
  });

  it('a Secret: validated, its value never echoed (text, structure, or masked object)', async () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'validate-probe-secret', namespace: 'default' }, stringData: { password: SECRET_VALUE } };
    const r = await call(client, 'k8s_validate', { manifest: manifest(secret) });
    expect(r.structuredContent!.valid).toBe(true);
    const json = JSON.stringify(r);
    expect(json).not.toContain(SECRET_VALUE);
    expect(json).not.toContain(Buffer.from(SECRET_VALUE).toString('base64'));
    const [s] = objectsOf(r);
    expect((s!.object!.data as Record<string, string>).password).toMatch(/^\*\*\*/);
    // An invalid Secret whose error could echo it: still masked.
    const bad = { ...secret, data: { password: SECRET_VALUE } };
    const rb = await call(client, 'k8s_validate', { manifest: manifest(bad) });
    expect(JSON.stringify(rb)).not.toContain(SECRET_VALUE);
    expect(await exists(['secret', 'validate-probe-secret', '-n', 'default'])).toBe(false);
  });

  it('a namespace created in the same manifest: its objects are validated in its place, nothing persisted', async () => {
    const ns = 'validate-probe-ns';
    const r = await call(client, 'k8s_validate', { manifest: manifest(deployment(NAME, 1, ns), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }) });
    expect(r.structuredContent!.valid).toBe(true);
    const [namespace, dep] = objectsOf(r);
    expect(namespace).toMatchObject({ kind: 'Namespace', status: 'valid' });
    expect(dep).toMatchObject({ kind: 'Deployment', namespace: ns, status: 'valid' });
    expect(dep!.note).toContain(`namespace ${ns} is created by this same manifest`);
    // The same object with an error is still caught there.
    const invalid = await call(client, 'k8s_validate', { manifest: manifest({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, deployment(NAME, -3, ns)) });
    expect(objectsOf(invalid)[1]).toMatchObject({ status: 'invalid' });
    expect(await exists(['namespace', ns])).toBe(false);
    // Without the Namespace in the manifest: the server's 404.
    const missing = await call(client, 'k8s_validate', { manifest: manifest(deployment(NAME, 1, ns)) });
    expect(objectsOf(missing)[0]!.error).toMatchObject({ code: 404 });
  });

  it('protected namespaces do not block a dry run, but the result says so; denied kinds stay denied', async () => {
    const r = await call(client, 'k8s_validate', { manifest: manifest({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'validate-probe', namespace: 'kube-system' }, data: { a: 'b' } }) });
    expect(objectsOf(r)[0]).toMatchObject({ status: 'valid', protectedNamespace: true });
    expect(textOf(r)).toContain('namespace kube-system is protected');
    expect(await exists(['configmap', 'validate-probe', '-n', 'kube-system'])).toBe(false);

    const denying = await kubernetesClient(inject('kubeconfig'), { K8S_EXPERTS_MCP_DENIED_KINDS: 'secrets' });
    const d = await call(denying, 'k8s_validate', { manifest: manifest({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, stringData: { a: 'bbbbbbbb' } }) });
    expect(objectsOf(d)[0]).toMatchObject({ status: 'invalid', valid: false });
    expect(objectsOf(d)[0]!.error!.message).toContain('denied by policy (mcp.deniedKinds)');
    await denying.close();
  });

  it('a manifest that is not YAML: a clear tool error', async () => {
    const r = await call(client, 'k8s_validate', { manifest: 'kind: [unclosed' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('not valid YAML');
  });
});
