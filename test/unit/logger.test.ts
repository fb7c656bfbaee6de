import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import { createLogger, loggerFromConfig } from '../../shared/logger.js';

describe('createLogger', () => {
  it('appends JSON lines to the agent.log file sink, with credentials blanked', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'k8sx-log-')), 'nested', 'agent.log');
    const log = createLogger({ console: 'none', file, level: 'debug', name: 'test' });
    log.info({ query: 'how many pods?', token: 'tok-123456', headers: { authorization: 'Bearer abc' } }, 'query received');
    log.debug('details');
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ msg: 'query received', query: 'how many pods?', token: '[REDACTED]', name: 'test' });
    expect(lines[0].headers.authorization).toBe('[REDACTED]');
  });

  it('honours the configured level and file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8sx-log-'));
    const config = loadConfig({ env: { K8S_EXPERTS_LOG_LEVEL: 'warn', K8S_EXPERTS_LOG_FILE: join(dir, 'agent.log') }, cwd: dir });
    const log = loggerFromConfig(config, { console: 'none' });
    log.info('dropped');
    log.warn('kept');
    expect(readFileSync(join(dir, 'agent.log'), 'utf8')).toMatch(/"msg":"kept"/);
    expect(readFileSync(join(dir, 'agent.log'), 'utf8')).not.toMatch(/dropped/);
  });

  it('is silent when asked', () => {
    const log = createLogger({ level: 'silent' });
    expect(log.isLevelEnabled('fatal')).toBe(false);
  });
});

describe('argsForLog', () => {
  it('keeps short arguments, masks credential-shaped text, and logs a long value (a manifest) by its length only', async () => {
    const { argsForLog } = await import('../../shared/logger.js');
    const manifest = `apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: "Sup3r-Secret-Value"}\n${'#'.repeat(200)}`;
    const logged = argsForLog({ kind: 'pods', namespace: 'shop', limit: 5, manifest, selector: 'token=abcdef123456', nested: [{ apiKey: 'x' }] });
    expect(logged).toEqual({ kind: 'pods', namespace: 'shop', limit: 5, manifest: `<${manifest.length} characters>`, selector: 'token=***', nested: [{ apiKey: 'x' }] });
    expect(JSON.stringify(logged)).not.toContain('Sup3r-Secret-Value');
  });
});
