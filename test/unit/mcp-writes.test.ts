import { describe, expect, it } from 'vitest';
import { confirmationMessage } from '../../shared/mcp/confirm.js';
import { objectRef, renderChangeReport } from '../../shared/mcp/change.js';
import { maskSecretPair, objectDiff, textDiff } from '../../shared/object-diff.js';
import { describeBlockers, type DrainPod, planDrain } from '../../mcp-servers/kubernetes/drain.js';
import { applyOrder, MAX_MANIFEST_OBJECTS, namespaceFor, parseManifest } from '../../mcp-servers/kubernetes/manifest.js';
import { metadataChanges } from '../../mcp-servers/kubernetes/tools/metadata.js';
import { userErrorText } from '../helpers/errors.js';

describe('parseManifest', () => {
  it('reads several documents, skips empty ones and flattens a List', () => {
    const objects = parseManifest(
      ['apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}', '', '{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Service","metadata":{"name":"b"}},{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"c"}}]}', ''].join('\n---\n'),
      { requireName: true },
    );
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/a', 'Service/b', 'Deployment/c']);
  });

  it('names the document and line of a YAML error', () => {
    expect(userErrorText(() => parseManifest('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: [unclosed\n', { requireName: true }))).toMatch(/document 2, line \d+/);
  });

  it('says what is missing: apiVersion, kind, name; generateName only for create', () => {
    expect(userErrorText(() => parseManifest('kind: Pod\nmetadata: {name: a}', { requireName: true }))).toContain('no apiVersion');
    expect(userErrorText(() => parseManifest('apiVersion: v1\nmetadata: {name: a}', { requireName: true }))).toContain('no kind');
    expect(userErrorText(() => parseManifest('apiVersion: v1\nkind: Pod\nmetadata: {generateName: a-}', { requireName: true }))).toContain('no metadata.name');
    expect(parseManifest('apiVersion: v1\nkind: Pod\nmetadata: {generateName: a-}', { requireName: false })).toHaveLength(1);
    expect(userErrorText(() => parseManifest('- a\n- b', { requireName: true }))).toContain('is not an object');
    expect(userErrorText(() => parseManifest('apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: "Bad NS"}', { requireName: true }))).toContain('invalid metadata.namespace');
    expect(userErrorText(() => parseManifest('# nothing\n', { requireName: true }))).toContain('no objects');
  });

  it('refuses more objects than one call may write', () => {
    const many = Array.from({ length: MAX_MANIFEST_OBJECTS + 1 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}}`).join('\n---\n');
    expect(userErrorText(() => parseManifest(many, { requireName: true }))).toContain(`more than ${MAX_MANIFEST_OBJECTS}`);
  });

  it('settles namespaces like kubectl: own, else given, else default; a clash is an error', () => {
    const [own] = parseManifest('apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: shop}', { requireName: true });
    const [none] = parseManifest('apiVersion: v1\nkind: Pod\nmetadata: {name: a}', { requireName: true });
    expect(namespaceFor(own!, undefined)).toBe('shop');
    expect(namespaceFor(none!, 'data')).toBe('data');
    expect(namespaceFor(none!, undefined)).toBe('default');
    expect(userErrorText(() => namespaceFor(own!, 'data'))).toContain('says namespace shop, the call says data');
  });

  it('puts Namespaces first, keeping the rest in order', () => {
    const objects = parseManifest(['apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: n}', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: n}', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: n}'].join('\n---\n'), { requireName: true });
    expect(applyOrder(objects).map((o) => o.kind)).toEqual(['Namespace', 'Service', 'ConfigMap']);
  });
});

describe('planDrain', () => {
  const pod = (name: string, extra: Partial<DrainPod> & { owner?: string; ns?: string } = {}): DrainPod => ({
    metadata: { name, namespace: extra.ns ?? 'shop', ownerReferences: extra.owner ? [{ kind: extra.owner, name: `${name}-owner`, controller: true }] : [], ...(extra.metadata ?? {}) },
    spec: extra.spec ?? {},
    status: extra.status ?? { phase: 'Running' },
  });
  const options = { ignoreDaemonSets: true, deleteEmptyDirData: false, force: false, protectedNamespaces: ['kube-system'] };

  it('evicts controller pods, skips DaemonSet and mirror pods, leaves protected namespaces', () => {
    const plan = planDrain(
      [pod('web', { owner: 'ReplicaSet' }), pod('agent', { owner: 'DaemonSet' }), pod('static', { metadata: { annotations: { 'kubernetes.io/config.mirror': 'x' } } }), pod('dns', { owner: 'ReplicaSet', ns: 'kube-system' }), pod('done', { status: { phase: 'Succeeded' } })],
      options,
    );
    expect(plan.evict.map((p) => p.name)).toEqual(['web', 'done']);
    expect(plan.skip.map((p) => p.name)).toEqual(['agent', 'static']);
    expect(plan.leave.map((p) => p.name)).toEqual(['dns']);
    expect(plan.blockers).toEqual([]);
  });

  it('refuses unmanaged pods, emptyDir data and (when asked) DaemonSet pods, naming the override', () => {
    const pods = [pod('bare'), pod('cache', { owner: 'ReplicaSet', spec: { volumes: [{ name: 'tmp', emptyDir: {} }] } }), pod('agent', { owner: 'DaemonSet' })];
    const plan = planDrain(pods, { ...options, ignoreDaemonSets: false });
    expect(plan.blockers.map((b) => `${b.name}:${b.fix}`)).toEqual(['bare:force: true', 'cache:deleteEmptyDirData: true', 'agent:ignoreDaemonSets: true']);
    expect(describeBlockers(plan.blockers)).toContain('not managed by a controller: nothing recreates it (override with force: true): shop/bare');
    const forced = planDrain(pods, { ...options, force: true, deleteEmptyDirData: true });
    expect(forced.evict.map((p) => p.name)).toEqual(['bare', 'cache']);
  });
});

describe('diffs for review', () => {
  it('a changed line, nothing for equal texts', () => {
    const diff = textDiff('deployment.apps/web', 'replicas: 1\nimage: a\n', 'replicas: 3\nimage: a\n');
    expect(diff).toContain('-replicas: 1');
    expect(diff).toContain('+replicas: 3');
    expect(diff).not.toMatch(/^===/m);
    expect(textDiff('x', 'same\n', 'same\n')).toBe('');
  });

  it('drops server noise (resourceVersion, managedFields, uid) so only the change shows', () => {
    const before = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', resourceVersion: '1', uid: 'u1', managedFields: [{ manager: 'x' }] }, data: { a: '1' } };
    const after = { ...before, metadata: { ...before.metadata, resourceVersion: '2', managedFields: [{ manager: 'y' }] }, data: { a: '2' } };
    const diff = objectDiff('configmap/c', before, after);
    expect(diff).toContain('-  a: "1"');
    expect(diff).not.toContain('resourceVersion');
    expect(diff).not.toContain('managedFields');
    expect(objectDiff('configmap/c', before, { ...before, metadata: { ...before.metadata, resourceVersion: '9' } })).toBe('');
  });

  it('a Secret diff says which keys change without any value', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const before = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { user: b64('admin-user'), password: b64('old-Pa55word') } };
    const after = { ...before, data: { user: b64('admin-user'), password: b64('new-Pa55word!') } };
    const [, masked] = maskSecretPair(before, after);
    expect(masked?.data).toEqual({ user: '*** (10 bytes)', password: '*** (13 bytes, changed)' });
    const diff = objectDiff('secret/s', before, after);
    for (const leak of ['old-Pa55word', 'new-Pa55word!', 'admin-user', b64('old-Pa55word'), b64('new-Pa55word!')]) expect(diff).not.toContain(leak);
    expect(diff).toContain('+  password: "*** (13 bytes, changed)"');
    expect(objectDiff('secret/s', undefined, after)).toContain('+  password: "*** (13 bytes)"');
  });
});

describe('change reports and confirmations', () => {
  it('kubectl-like lines and the dry-run banner', () => {
    expect(objectRef({ kind: 'Deployment', apiVersion: 'apps/v1', name: 'web' })).toBe('deployment.apps/web');
    expect(objectRef({ kind: 'Service', apiVersion: 'v1', name: 'web' })).toBe('service/web');
    const text = renderChangeReport({ dryRun: true, summary: '1 object: 1 configured.', changes: [{ kind: 'Deployment', apiVersion: 'apps/v1', name: 'web', namespace: 'shop', action: 'configured' }], diff: '-a\n+b' });
    expect(text.split('\n')).toEqual(['DRY RUN — nothing was changed. 1 object: 1 configured.', '', 'deployment.apps/web -n shop configured (server dry run)', '', '-a', '+b']);
  });

  it('a confirmation message is cut to a readable size and says how to see it all', () => {
    const message = confirmationMessage({ action: 'apply 3 objects', details: 'x'.repeat(20_000) });
    expect(message.startsWith('Confirm: apply 3 objects')).toBe(true);
    expect(message.length).toBeLessThan(8_200);
    expect(message).toContain('dryRun: true');
  });
});

describe('label and annotation changes (kubectl --overwrite rules)', () => {
  it('sets new keys, removes with null, skips what is already so', () => {
    expect(metadataChanges({ app: 'web', tier: 'api' }, { team: 'shop', tier: null, app: 'web', gone: null }, false, 'labels')).toEqual({ patch: { team: 'shop', tier: null }, overwrites: [], removals: ['tier'] });
  });

  it('refuses to replace a value without overwrite, and records it with overwrite', () => {
    expect(userErrorText(() => metadataChanges({ app: 'web' }, { app: 'api' }, false, 'labels'))).toContain('label "app" already has the value "web"');
    expect(metadataChanges({ app: 'web' }, { app: 'api' }, true, 'labels').overwrites).toEqual(['app']);
  });
});
