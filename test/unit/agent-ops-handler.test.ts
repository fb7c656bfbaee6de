import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { Cluster } from '../../agents/ops/cluster.js';
import { runDiagnose } from '../../agents/ops/diagnose-run.js';
import { opsHandler } from '../../agents/ops/handler.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import type { ToolBox } from '../../shared/reasoning/engine.js';

/** A toolbox answering from a table of structured results; anything else is the tool's error. */
function tools(answers: Record<string, (args: Record<string, unknown>) => Record<string, unknown> | undefined>): ToolBox & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    listTools: async () => [],
    callTool: async (name, args): Promise<CallToolResult> => {
      calls.push(`${name} ${JSON.stringify(args)}`);
      const out = answers[name]?.(args);
      return out ? { content: [{ type: 'text', text: 'ok' }], structuredContent: out } : { isError: true, content: [{ type: 'text', text: `${name}: forbidden: User "viewer" cannot list resource` }] };
    },
  };
}

describe('ops I/O around the analyzers, with a scripted toolbox', () => {
  it('a Deployment named in the request with no pods: its conditions say why', async () => {
    const box = tools({
      k8s_namespaces: () => ({ namespaces: [{ name: 'shop' }] }),
      k8s_list: (a) => ({ items: a.kind === 'deployments' ? [{ namespace: 'shop', name: 'checkout', ready: '0/2' }] : a.kind === 'statefulsets' ? [] : [{ namespace: 'shop', name: 'cart-7d9fb6c5d8-x2x4z', status: 'Running', ready: '1/1', restarts: '0' }] }),
      k8s_get: () => ({
        object: { kind: 'Deployment', metadata: { name: 'checkout', namespace: 'shop' }, spec: { replicas: 2 }, status: { conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "checkout-1" is forbidden: exceeded quota: compute' }] } },
      }),
    });
    const r = await runDiagnose(new Cluster(box), 'Why is checkout failing?', () => {});
    // The named Deployment's chain: no pods, and the condition that says why.
    expect(r.data).toMatchObject({ object: { kind: 'Deployment', name: 'checkout', namespace: 'shop' }, chain: [{ step: 'Deployment shop/checkout: 0/2 available' }, { step: expect.stringContaining('FailedCreate') }], analyzers: ['workload-unavailable'] });
    expect(r.text).toContain('exceeded quota');
  });

  it('a tool refusal becomes an honest answer, not a failed task', async () => {
    const box = tools({});
    const handler = opsHandler(box, loadConfig({ env: {}, cwd: '/tmp' }), createLogger({ level: 'silent' }));
    const r = await handler({ text: 'Why is cart failing?', data: [], signal: new AbortController().signal, progress: () => {} } as never);
    expect(r.text).toMatch(/^I could not finish diagnose-workload: k8s_list: .*forbidden/);
    expect(r.data).toMatchObject({ skill: 'diagnose-workload', error: expect.stringContaining('forbidden') });
  });

  it('an empty request and an unknown { skill } are answered plainly', async () => {
    const handler = opsHandler(tools({}), loadConfig({ env: {}, cwd: '/tmp' }), createLogger({ level: 'silent' }));
    const ctx = (text: string, data: unknown[] = []) => ({ text, data, signal: new AbortController().signal, progress: () => {} }) as never;
    expect((await handler(ctx('   '))).data).toMatchObject({ error: 'empty-request' });
    expect((await handler(ctx('x', [{ skill: 'teleport' }]))).text).toBe('ops has no skill "teleport"; its skills are cluster-query, diagnose-workload, service-connectivity, analyze-cluster.');
  });
});
