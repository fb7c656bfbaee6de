import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import { type ChangeReport, describeReach, renderChangeReport } from '../../shared/mcp/change.js';
import { namespacesOf } from '../../shared/mcp/cluster-facts.js';
import { type ConfirmAnswer, describeAnswer, notConfirmed } from '../../shared/mcp/confirm.js';
import { blastRadiusOf } from '../../shared/mcp/guard.js';
import { executionSettings, ToolPolicy } from '../../shared/mcp/policy.js';
import { judge } from '../../shared/policy/judge.js';
import { manifestProposal, manifestReversibility } from '../../mcp-servers/kubernetes/manifest-writes.js';
import type { ManifestObject } from '../../mcp-servers/kubernetes/manifest.js';
import { userErrorText } from '../helpers/errors.js';

const mcp = (allowWrites: boolean) => ({ allowWrites, denyTools: [], deniedKinds: [], protectedNamespaces: [] });
const change = (kind: string, name: string, namespace: string | null, action: string) => ({ kind, apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1', name, namespace, action });

describe('execution mode on the MCP servers', () => {
  it('write tools exist only with allowWrites and a mode other than read-only', () => {
    expect(new ToolPolicy(mcp(false)).exposes('k8s_apply', 'write')).toBe(false);
    expect(new ToolPolicy(mcp(true)).exposes('k8s_apply', 'write')).toBe(true);
    expect(new ToolPolicy(mcp(true)).execution.mode).toBe('execute');
    expect(new ToolPolicy(mcp(true), { mode: 'read-only' }).exposes('k8s_apply', 'write')).toBe(false);
    expect(new ToolPolicy(mcp(true), { mode: 'read-only' }).exposes('k8s_get', 'read')).toBe(true);
    expect(new ToolPolicy(mcp(true), { mode: 'propose' }).exposes('k8s_apply', 'write')).toBe(true);
    expect(new ToolPolicy(mcp(false), { mode: 'execute' }).exposes('k8s_apply', 'write')).toBe(false);
  });

  it('a write refused by the mode names the mode and the setting that changes it', () => {
    expect(userErrorText(() => new ToolPolicy(mcp(true), { mode: 'read-only' }).assertTool('k8s_delete', 'write'))).toMatch(/k8s_delete changes the cluster, and this server runs in execution mode read-only.*K8S_EXPERTS_EXECUTION_MODE=propose\|execute/);
    expect(userErrorText(() => new ToolPolicy(mcp(false), { mode: 'execute' }).assertTool('k8s_delete', 'write'))).toContain('mcp.allowWrites');
  });

  it('settings come from config: the mode, the approval time-out, and a built-in policy that protects the crew namespace', () => {
    const config = loadConfig({ env: { K8S_EXPERTS_ALLOW_WRITES: 'true', K8S_EXPERTS_EXECUTION_MODE: 'propose', K8S_EXPERTS_APPROVAL_TIMEOUT_SECONDS: '60', K8S_EXPERTS_MCP_PROTECTED_NAMESPACES: 'payments' }, cwd: '/' });
    const settings = new ToolPolicy(config.mcp, executionSettings(config, 'mcp-kubernetes')).execution;
    expect(settings).toMatchObject({ mode: 'propose', approvalTimeoutMs: 60_000, agent: 'mcp-kubernetes', audit: undefined });
    for (const namespace of ['payments', 'k8s-experts', 'kube-system']) expect(judge({ verb: 'create', kind: 'ConfigMap', name: 'c', namespace }, settings.guardianPolicy()).verdict, namespace).toBe('deny');
    expect(judge({ verb: 'create', kind: 'ConfigMap', name: 'c', namespace: 'shop' }, settings.guardianPolicy(), { namespaceLabels: { shop: {} } }).verdict).toBe('allow');
  });

  it('an injected policy is read on every call (a reloaded one applies at once)', () => {
    let rules: Array<{ id: string; effect: 'deny'; type: 'verb'; verbs: string[]; description: string }> = [];
    const settings = new ToolPolicy(mcp(true), executionSettings(loadConfig({ env: {}, cwd: '/' }), 'mcp-kubernetes', { policy: () => ({ rules }) })).execution;
    expect(judge({ verb: 'scale', kind: 'Deployment', name: 'web', namespace: 'shop', replicas: 2 }, settings.guardianPolicy(), { currentReplicas: 2 }).verdict).toBe('allow');
    rules = [{ id: 'no-scaling', effect: 'deny', type: 'verb', verbs: ['scale'], description: 'No scaling today' }];
    expect(judge({ verb: 'scale', kind: 'Deployment', name: 'web', namespace: 'shop', replicas: 2 }, settings.guardianPolicy(), { currentReplicas: 2 }).rules).toEqual(['no-scaling']);
  });
});

describe('blast radius', () => {
  it('counts the objects a change touches, their namespaces, replicas lost and pods evicted', () => {
    const preview = {
      summary: '',
      diff: '',
      changes: [change('Node', 'n1', null, 'cordoned'), change('Pod', 'a', 'shop', 'evicted'), change('Pod', 'b', 'data', 'evicted'), change('Pod', 'c', 'shop', 'skipped: DaemonSet'), change('Pod', 'd', 'kube-system', 'left: protected'), change('ConfigMap', 'e', 'shop', 'unchanged')],
    };
    expect(blastRadiusOf(preview)).toEqual({ objects: 3, namespaces: ['data', 'shop'], replicasLost: 0, podsEvicted: 2 });
    expect(blastRadiusOf({ summary: '', diff: '', changes: [change('Deployment', 'web', 'shop', 'scaled')] }, { replicasLost: 3, podsEvicted: 3 })).toEqual({ objects: 1, namespaces: ['shop'], replicasLost: 3, podsEvicted: 3 });
    expect(describeReach({ objects: 1, namespaces: [], replicasLost: 2, podsEvicted: 0 })).toBe('1 object, cluster-scoped, 2 replicas lost');
  });

  it('every namespace an action may touch is looked up: its own and each object\'s', () => {
    expect(namespacesOf({ verb: 'apply', namespace: 'shop', objects: [{ kind: 'ConfigMap', metadata: { name: 'a', namespace: 'data' } }, { kind: 'Namespace', metadata: { name: 'x' } }, { kind: 'Secret', metadata: { name: 's', namespace: 'shop' } }] })).toEqual(['data', 'shop']);
    expect(namespacesOf({ verb: 'cordon', kind: 'Node', name: 'n1' })).toEqual([]);
  });
});

describe('reports carry the guardian\'s assessment', () => {
  const report: ChangeReport = {
    dryRun: true,
    summary: 'deployment.apps/web -n shop: replicas 3 → 0 (3 pods would be removed).',
    changes: [change('Deployment', 'web', 'shop', 'scaled')],
    diff: '',
    guardian: { verdict: 'require-approval', reasons: ['Scaling Deployment web in namespace shop to 0 stops every pod of it: a person must approve it.'], rules: ['scale-to-zero'] },
    blastRadius: { objects: 1, namespaces: ['shop'], replicasLost: 3, podsEvicted: 0 },
    reversibility: { reversible: true, undo: 'k8s_scale deployment.apps/web -n shop replicas=3' },
    executionMode: 'execute',
  };

  it('the verdict with its rules, the reach and the undo step follow the summary', () => {
    expect(renderChangeReport(report).split('\n').slice(0, 4)).toEqual([
      `DRY RUN — nothing was changed. ${report.summary}`,
      'Guardian: require-approval (scale-to-zero) — Scaling Deployment web in namespace shop to 0 stops every pod of it: a person must approve it.',
      'Blast radius: 1 object, namespace shop, 3 replicas lost.',
      'Undo: k8s_scale deployment.apps/web -n shop replicas=3',
    ]);
  });

  it('in propose mode the report says so, that nothing changed, and how execution is enabled', () => {
    const text = renderChangeReport({ ...report, executionMode: 'propose' });
    expect(text).toMatch(/^PROPOSE MODE — nothing was changed: this server only proposes \(execution mode "propose"\)/);
    expect(text.split('\n').at(-1)).toBe('To make changes, an operator sets execution.mode=execute (K8S_EXPERTS_EXECUTION_MODE=execute).');
  });
});

describe('answers that are not a yes', () => {
  const request = { action: 'scale deployment.apps/web -n shop from 3 to 0 replicas' };
  const cases: Array<[ConfirmAnswer, RegExp, string]> = [
    [{ outcome: 'declined' }, /was not confirmed \(declined\); nothing was changed/, 'declined'],
    [{ outcome: 'cancelled' }, /was not confirmed \(cancelled\); nothing was changed/, 'cancelled'],
    [{ outcome: 'unticked' }, /was not confirmed \(accepted without ticking confirm\); nothing was changed/, 'unticked'],
    [{ outcome: 'no answer', error: 'Request timed out' }, /asking the client failed \(Request timed out\); nothing was changed/, 'no answer (Request timed out)'],
    [{ outcome: 'no elicitation support' }, /needs a person's approval \(the guardian policy: x\), and this MCP client cannot be asked \(it declares no elicitation capability\); nothing was changed/, 'no elicitation support'],
  ];
  it.each(cases)('%o', (answer, message, audited) => {
    expect(notConfirmed(request, answer, 'approval (the guardian policy: x)').message).toMatch(message);
    expect(describeAnswer(answer)).toBe(audited);
  });
});

describe('manifest writes: what the guardian judges and how to undo them', () => {
  const objects: ManifestObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } },
  ];
  const preview = { summary: '', diff: '', changes: [change('Namespace', 'shop', null, 'created'), change('ConfigMap', 'settings', 'shop', 'configured')] };

  it('each object goes to the guardian in the namespace the dry run settled', () => {
    const action = manifestProposal('apply', objects, preview);
    expect(action.verb).toBe('apply');
    expect(action.objects?.map((o) => o.metadata?.namespace)).toEqual([undefined, 'shop']);
  });

  it('undo: delete what was created, re-apply what was changed', () => {
    expect(manifestReversibility(preview)).toEqual({
      reversible: true,
      undo: 'k8s_delete the created object: namespace/shop; k8s_apply the previous version of configmap/settings -n shop (the diff\'s - lines show it; k8s_rollout_undo for a workload\'s template)',
    });
    expect(manifestReversibility({ summary: '', diff: '', changes: [change('ConfigMap', 'settings', 'shop', 'unchanged')] }).undo).toBe('nothing changes, nothing to undo');
  });
});
