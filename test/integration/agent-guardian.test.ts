import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client as A2AClient } from '@a2a-js/sdk/client';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { createGuardianAgent } from '../../agents/guardian/index.js';
import { type RunningAgent } from '../../shared/a2a/serve.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { openPolicySource } from '../../shared/policy/source.js';
import { kubectl } from '../../tools/cluster/exec.js';
import { askCompleted, serveForTest } from '../helpers/a2a.js';
import { kubernetesClient } from '../helpers/mcp.js';

const k = (args: string[]) => kubectl(inject('kubectl'), inject('kubeconfig'), args);
/** A namespace where Pod Security forbids privileged pods (made here, removed at the end). */
const RESTRICTED = `gpol-restricted-${process.pid}`;

let agent: RunningAgent;
let mcp: Client;
let a2a: A2AClient;

beforeAll(async () => {
  await k(['create', 'namespace', RESTRICTED]);
  await k(['label', 'namespace', RESTRICTED, 'pod-security.kubernetes.io/enforce=restricted']);
  const dir = mkdtempSync(join(tmpdir(), 'k8sx-guardian-agent-'));
  // An extra protected namespace from config joins the built-in ones.
  const config = loadConfig({ env: { K8S_EXPERTS_DATA_DIR: join(dir, 'data'), K8S_EXPERTS_KUBECONFIG: inject('kubeconfig'), K8S_EXPERTS_MCP_PROTECTED_NAMESPACES: 'kube-system,kube-public,kube-node-lease,data' }, cwd: dir });
  const logger = createLogger({ level: 'silent' });
  mcp = await kubernetesClient(inject('kubeconfig'));
  const def = createGuardianAgent({ config, logger, mcp: { kubernetes: mcp } });
  ({ agent, client: a2a } = await serveForTest(def, config, logger));
});

afterAll(async () => {
  await agent?.close();
  await mcp?.close();
  await k(['delete', 'namespace', RESTRICTED, '--wait=true', '--timeout=120s', '--ignore-not-found']);
});

interface Verdict {
  text: string;
  verdict: string | null;
  reasons: string[];
  rules: string[];
  data: Record<string, unknown>;
}

async function ask(text: string, data?: unknown): Promise<Verdict> {
  const { text: answer, data: d } = await askCompleted(a2a, text, data);
  return { text: answer, verdict: d.verdict as string | null, reasons: (d.reasons as string[]) ?? [], rules: (d.rules as string[]) ?? [], data: d };
}

describe('guardian agent over A2A', () => {
  it('serves its card with exactly the skills of cards/guardian.json', async () => {
    expect((await a2a.getAgentCard()).skills.map((s) => s.id)).toEqual(['verdict']);
  });

  it('"May I delete namespace payments?": deny, with a reason a person can read', async () => {
    const v = await ask('May I delete namespace payments?');
    expect(v.verdict).toBe('deny');
    expect(v.rules).toEqual(['forbidden-delete']);
    expect(v.reasons[0]).toBe('Deleting Namespace payments is forbidden: it deletes everything in the namespace, irreversibly.');
    expect(v.text).toMatch(/^Verdict: DENY — delete Namespace payments/);
    // The guardian only judges: payments is still there.
    expect((await k(['get', 'namespace', 'payments', '-o', 'name'])).stdout.trim()).toBe('namespace/payments');
  });

  it('the same as a data part { action }', async () => {
    const v = await ask('', { action: { verb: 'delete', kind: 'namespaces', name: 'payments' } });
    expect(v.verdict).toBe('deny');
    expect(v.data.source).toBe('data');
    expect(v.rules).toContain('forbidden-delete');
  });

  it('a privileged pod: approval in default, deny where Pod Security is restricted (labels read from the cluster)', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] } };
    const v = await ask('Check this manifest before I apply it', { action: { verb: 'apply', manifest: stringify(pod) } });
    expect(v.verdict).toBe('require-approval');
    expect(v.rules).toEqual(['privileged-pod-approval']);
    expect(v.reasons[0]).toContain('privileged');
    const t = await ask('Can I run a privileged pod in default?');
    expect(t.verdict).toBe('require-approval');
    expect(t.rules).toEqual(['privileged-pod-approval']);
    const restricted = await ask('', { action: { verb: 'apply', manifest: stringify({ ...pod, metadata: { name: 'debug', namespace: RESTRICTED } }) } });
    expect(restricted.verdict).toBe('deny');
    expect(restricted.rules).toEqual(['privileged-pod']);
    expect(restricted.reasons[0]).toContain(`namespace ${RESTRICTED} is restricted (labelled pod-security.kubernetes.io/enforce=restricted)`);
    expect((restricted.data.facts as { namespaceLabels: Record<string, Record<string, string>> }).namespaceLabels[RESTRICTED]).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
  });

  it('RBAC: a grant to all authenticated users is denied, a role that reads Secrets needs approval; a proposalId comes back', async () => {
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'everyone-views' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', name: 'system:authenticated', apiGroup: 'rbac.authorization.k8s.io' }] };
    const v = await ask('', { action: { verb: 'apply', manifest: binding }, proposalId: 'prop-123' });
    expect(v.verdict).toBe('deny');
    expect(v.rules).toEqual(['rbac-public-grant']);
    expect(v.reasons[0]).toBe('ClusterRoleBinding everyone-views, subject 0: grants ClusterRole view to group system:authenticated (every user and service account with any credentials): forbidden.');
    expect(v.data.proposalId).toBe('prop-123');
    expect(v.data.policy).toMatchObject({ version: 'built-in' });
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'peek', namespace: 'default' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }] };
    const r = await ask('', { action: { verb: 'apply', manifest: role } });
    expect(r.verdict).toBe('require-approval');
    expect(r.rules).toEqual(['rbac-escalation']);
    expect(r.reasons[0]).toContain('Role peek, rule 0: can read Secrets (get, list)');
  });

  it('"Is it safe to scale cart to 0?": require-approval, cart found in shop', async () => {
    const v = await ask('Is it safe to scale cart to 0?');
    expect(v.verdict).toBe('require-approval');
    expect(v.rules).toContain('scale-to-zero');
    expect(v.reasons).toContain('Scaling Deployment cart in namespace shop to 0 stops every pod of it: a person must approve it.');
    expect(v.data.action).toMatchObject({ verb: 'scale', kind: 'Deployment', name: 'cart', namespace: 'shop', replicas: 0 });
  });

  it('a replica change of more than 50% needs approval; the current replicas come from the cluster', async () => {
    // default is not labelled production: only the size of the change matters. hello has 2 replicas.
    const big = await ask('', { action: { verb: 'scale', kind: 'Deployment', name: 'hello', namespace: 'default', replicas: 5 } });
    expect(big.verdict).toBe('require-approval');
    expect(big.rules).toEqual(['large-replica-change']);
    expect(big.reasons[0]).toContain('from 2 to 5');
    const small = await ask('', { action: { verb: 'scale', kind: 'Deployment', name: 'hello', namespace: 'default', replicas: 3 } });
    expect(small.verdict).toBe('allow');
  });

  it('creating a configmap: allow in default; in shop (labelled environment=production) it needs approval', async () => {
    const allowed = await ask('May I create a configmap named settings in default?');
    expect(allowed.verdict).toBe('allow');
    expect(allowed.rules).toEqual([]);
    expect(allowed.reasons[0]).toMatch(/^Creating ConfigMap settings in namespace default only adds/);
    const shop = await ask('May I create a configmap in shop?');
    expect(shop.verdict).toBe('require-approval');
    expect(shop.rules).toEqual(['production-namespace']);
    expect(shop.reasons[0]).toBe('Namespace shop is labelled environment=production: any write there needs a person\'s approval.');
  });

  it('anything that changes kube-system (or a namespace protected by config) is denied; reading it is not', async () => {
    for (const action of [
      { verb: 'create', kind: 'ConfigMap', name: 'x', namespace: 'kube-system' },
      { verb: 'delete', kind: 'Pod', name: 'coredns-1', namespace: 'kube-system' },
      { verb: 'scale', kind: 'Deployment', name: 'coredns', namespace: 'kube-system', replicas: 3 },
      { verb: 'patch', kind: 'ConfigMap', name: 'settings', namespace: 'data' },
    ]) {
      const v = await ask('', { action });
      expect(v.verdict, JSON.stringify(action)).toBe('deny');
      expect(v.rules).toContain('protected-namespace');
      expect(v.reasons.join(' ')).toContain(`protected namespace ${action.namespace}`);
    }
    const text = await ask('Is it safe to delete pod coredns-1 in kube-system?');
    expect(text.verdict).toBe('deny');
    const read = await ask('May I list pods in kube-system?');
    expect(read.verdict).toBe('allow');
  });

  it('binding cluster-admin: deny', async () => {
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'bob-admin' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'User', name: 'bob' }] };
    const v = await ask('', { action: { verb: 'create', manifest: binding } });
    expect(v.verdict).toBe('deny');
    expect(v.rules).toEqual(['cluster-admin-binding']);
  });

  it('a data part { skill } picks the skill; an unknown skill and an unknown request get honest answers', async () => {
    const v = await ask('May I delete namespace payments?', { skill: 'verdict' });
    expect(v.verdict).toBe('deny');
    const unknownSkill = await ask('May I delete namespace payments?', { skill: 'approve-everything' });
    expect(unknownSkill.verdict).toBeUndefined();
    expect(unknownSkill.text).toContain('no skill "approve-everything"');
    const unknown = await ask('What is the capital of France?');
    expect(unknown.verdict).toBeNull();
    expect(unknown.text).toMatch(/^No verdict: I could not tell which action you propose/);
    const invalid = await ask('', { action: { verb: 'delete', kind: 'Pod', name: '../../etc' } });
    expect(invalid.verdict).toBeNull();
    expect(invalid.text).toContain('action.name');
  });
});

describe('guardian agent with a policy file', () => {
  it('judges by the file, follows valid edits, keeps the last good policy on a bad one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8sx-guardian-policy-'));
    const file = join(dir, 'policy.yaml');
    const example = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'guardian-policy.yaml'), 'utf8');
    const extra = '  - id: configmaps-need-approval\n    type: match\n    effect: require-approval\n    kinds: [ConfigMap]\n    description: Any change to ConfigMaps needs approval\n';
    writeFileSync(file, example + extra);
    const config = loadConfig({ env: { K8S_EXPERTS_DATA_DIR: join(dir, 'data'), K8S_EXPERTS_KUBECONFIG: inject('kubeconfig'), K8S_EXPERTS_POLICY_FILE: file }, cwd: dir });
    const logger = createLogger({ level: 'silent' });
    const source = openPolicySource(config, logger, { intervalMs: 50 });
    const served = await serveForTest(createGuardianAgent({ config, logger, mcp: { kubernetes: mcp } }, { policySource: source }), config, logger);
    const configMap = { action: { verb: 'create', kind: 'ConfigMap', name: 'settings', namespace: 'default' } };
    const verdict = async () => (await askCompleted(served.client, '', configMap)).data as { verdict: string; rules: string[]; policy: { file?: string; version: string; lastError?: string } };
    try {
      const first = await verdict();
      expect(first).toMatchObject({ verdict: 'require-approval', rules: ['configmaps-need-approval'], policy: { file } });
      expect(first.policy.version).toMatch(/^[0-9a-f]{64}$/);

      writeFileSync(file, example);
      await expect.poll(async () => (await verdict()).verdict, { timeout: 10_000, interval: 100 }).toBe('allow');

      writeFileSync(file, example + extra.replace('kinds: [ConfigMap]', 'kinds: [ConfigMap]\n    colour: red'));
      await expect.poll(async () => (await verdict()).policy.lastError, { timeout: 10_000, interval: 100 }).toContain('rules[15] (id "configmaps-need-approval"): unknown field "colour"');
      expect((await verdict()).verdict).toBe('allow');
    } finally {
      await served.agent.close();
      source.close();
    }
  });
});
