import { describe, expect, it } from 'vitest';
import { createGuardianAgent } from '../../agents/guardian/index.js';
import type { TaskRunContext } from '../../shared/a2a/executor.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';

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
