import { describe, expect, it } from 'vitest';
import { createGuardianAgent } from '../../agents/guardian/index.js';
import type { TaskRunContext } from '../../shared/a2a/executor.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import type { Policy } from '../../shared/policy/judge.js';
import type { PolicySource } from '../../shared/policy/source.js';

// The handler without a cluster (no MCP client): verdicts stay cautious and honest.
const agent = createGuardianAgent({ config: loadConfig({ env: {}, cwd: '/' }), logger: createLogger({ level: 'silent' }), mcp: {} });
const run = (text: string, data: unknown[] = []) => agent.handler({ text, data, signal: new AbortController().signal, progress: () => undefined, taskId: 't', contextId: 'c' } as unknown as TaskRunContext);

describe('guardian handler without a cluster', () => {
  it('names the kubernetes server it needs and still judges what needs no cluster', async () => {
    expect(agent.mcpServers).toEqual(['kubernetes']);
    const r = await run('May I delete namespace payments?');
    expect((r.data as { verdict: string }).verdict).toBe('deny');
    const cm = await run('', [{ action: { verb: 'create', kind: 'ConfigMap', name: 'x', namespace: 'web' } }]);
    // The labels of web cannot be read: it might be production.
    expect((cm.data as { verdict: string; rules: string[] }).rules).toEqual(['production-namespace']);
    expect(cm.text).toContain('could not be read');
  });

  it('an action whose object is unknown gets no verdict, not an allow', async () => {
    const r = await run('Check this manifest before I apply it');
    expect((r.data as { verdict: unknown }).verdict).toBeNull();
    expect(r.text).toContain('without knowing what it changes');
  });
});

describe('guardian handler: policy source, proposal ids, the clock', () => {
  it('names the policy it judged by; passes a proposalId back unchanged; refuses a malformed one', async () => {
    const r = await run('', [{ action: { verb: 'delete', kind: 'Namespace', name: 'payments' }, proposalId: 'p-2026.11:abc_1' }]);
    expect(r.data).toMatchObject({ verdict: 'deny', proposalId: 'p-2026.11:abc_1', policy: { version: 'built-in' } });
    expect(r.text).toContain('Policy: built-in default');
    // In its own data part, next to { action }.
    const apart = await run('', [{ action: { verb: 'create', kind: 'ConfigMap', name: 'x', namespace: 'web' } }, { proposalId: 'abc' }]);
    expect((apart.data as { proposalId: string }).proposalId).toBe('abc');
    for (const bad of ['', '-flag', 'a b', 'x'.repeat(200), 42]) {
      const refused = await run('', [{ action: { verb: 'delete', kind: 'Pod', name: 'p', namespace: 'web' }, proposalId: bad }]);
      expect(refused.data, String(bad)).toMatchObject({ understood: false, verdict: null, error: expect.stringContaining('the proposalId is not valid') as unknown });
    }
    expect((await run('May I delete namespace payments?')).data).not.toHaveProperty('proposalId');
  });

  it('judges by an injected source and clock; close() closes the source', async () => {
    let closed = 0;
    const policy: Policy = { rules: [{ id: 'weekend-freeze', effect: 'deny', type: 'time-window', timezone: 'UTC', when: 'inside', windows: [{ days: ['sat', 'sun'], from: '00:00', to: '24:00' }], description: 'No changes at the weekend' }] };
    const source: PolicySource = { current: () => ({ policy, file: '/etc/k8s-experts/policy.yaml', version: 'f'.repeat(64), loadedAt: '2026-11-20T00:00:00.000Z' }), status: () => ({ file: '/etc/k8s-experts/policy.yaml', version: 'f'.repeat(64), loadedAt: '2026-11-20T00:00:00.000Z', lastError: 'line 3: bad edit' }), close: () => void closed++ };
    const at = (iso: string) => createGuardianAgent({ config: loadConfig({ env: {}, cwd: '/' }), logger: createLogger({ level: 'silent' }), mcp: {} }, { policySource: source, now: () => new Date(iso) });
    const ask = (a: ReturnType<typeof at>) => a.handler({ text: '', data: [{ action: { verb: 'create', kind: 'ConfigMap', name: 'x', namespace: 'web' } }], signal: new AbortController().signal, progress: () => undefined, taskId: 't', contextId: 'c' } as unknown as TaskRunContext);
    const saturday = await ask(at('2026-11-21T10:00:00Z'));
    expect(saturday.data).toMatchObject({ verdict: 'deny', rules: ['weekend-freeze'], policy: { file: '/etc/k8s-experts/policy.yaml', version: 'f'.repeat(64), lastError: 'line 3: bad edit' }, facts: { now: '2026-11-21T10:00:00.000Z' } });
    expect(saturday.text).toContain('Policy: /etc/k8s-experts/policy.yaml (sha256 ffffffffffff)');
    expect(saturday.text).toContain('has an edit that was not applied (line 3: bad edit)');
    const monday = at('2026-11-23T10:00:00Z');
    expect((await ask(monday)).data).toMatchObject({ verdict: 'allow' });
    await monday.close?.();
    expect(closed).toBe(1);
  });

  it('a policy file that is missing at start stops the agent with a clear error', () => {
    expect(() => createGuardianAgent({ config: loadConfig({ env: { K8S_EXPERTS_POLICY_FILE: '/nonexistent/policy.yaml' }, cwd: '/' }), logger: createLogger({ level: 'silent' }), mcp: {} })).toThrow('guardian policy file /nonexistent/policy.yaml does not exist');
  });
});
