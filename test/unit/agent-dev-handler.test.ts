import { describe, expect, it } from 'vitest';
import { createDevAgent } from '../../agents/dev/index.js';
import type { TaskRunContext } from '../../shared/a2a/executor.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';

// The handler without a cluster: it still generates, and says plainly that nothing was validated.
const agent = createDevAgent({ config: loadConfig({ env: {}, cwd: '/' }), logger: createLogger({ level: 'silent' }), mcp: {} });
const run = (text: string, data: unknown[] = []) => agent.handler({ text, data, signal: new AbortController().signal, progress: () => undefined, taskId: 't', contextId: 'c' } as unknown as TaskRunContext);

describe('dev handler without a cluster', () => {
  it('generates but does not claim validation', async () => {
    const r = await run('Create a deployment of nginx with 2 replicas and a service');
    const data = r.data as { manifests: Array<{ kind: string }>; validation: { ran: boolean; passed: boolean; error?: string } };
    expect(data.manifests.map((m) => m.kind)).toEqual(['Deployment', 'Service']);
    expect(data.validation).toMatchObject({ ran: false, passed: false });
    expect(data.validation.error).toContain('not connected');
    expect(r.text).toContain('Not validated');
    expect(r.text).not.toContain('Validated by the API server');
  });

  it('a secret value given in any form never comes back', async () => {
    for (const text of ['Create a secret named db in namespace dev with password=Hunter-2222', 'Create a secret in namespace dev with value Hunter-2222', 'kubectl command to create a secret with token Hunter-2222 in namespace dev']) {
      const r = await run(text);
      expect(JSON.stringify(r), text).not.toContain('Hunter-2222');
    }
  });

  it('a Deployment without an image: an honest question, no guess', async () => {
    const r = await run('Create a deployment named web');
    expect((r.data as { understood: boolean }).understood).toBe(false);
    expect(r.text).toContain('which image');
  });
});

describe('dev handler: generate-chart without the helm server', () => {
  it('generates the chart and says plainly that helm could not validate it; secret values stay out', async () => {
    const r = await run('Create a helm chart for nginx:1.27 with secret DB_PASSWORD=Hunter-3333');
    const data = r.data as { skill: string; chart: { files: Record<string, string> }; validation: { helm: boolean; passed: boolean } };
    expect(data.skill).toBe('generate-chart');
    expect(Object.keys(data.chart.files)).toContain('templates/deployment.yaml');
    expect(data.validation).toMatchObject({ helm: false, passed: false });
    expect(r.text).toContain('Not validated with helm');
    expect(JSON.stringify(r)).not.toContain('Hunter-3333');
  });
});
