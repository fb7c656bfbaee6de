import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AUDIT_SQLITE_FILE, type AuditRecord, AuditLog, entryHash, GENESIS_HASH } from '../../shared/audit/log.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { usePostgres } from '../helpers/postgres.js';

const SECRET = 'Audit-Canary-9f27x';
const record = (n: number): AuditRecord => ({ actor: 'alice', agent: n % 2 ? 'dev' : 'guardian', action: n % 2 ? 'proposal' : 'verdict', subject: `scale deployment/cart -n shop #${n}`, reason: 'load test', outcome: n % 2 ? 'proposed' : 'allow', data: { n } });
const sqliteConfig = (dir: string) => ({ dataDir: dir, a2a: { databaseUrl: undefined } });

describe('the audit log (SQLite)', () => {
  it('chains every entry to the one before it, and verifies', async () => {
    const log = await AuditLog.open(sqliteConfig(mkdtempSync(join(tmpdir(), 'k8sx-audit-'))));
    const first = await log.append(record(1));
    const second = await log.append(record(2));
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(second.prevHash).toBe(first.hash);
    const { hash, ...unsigned } = second;
    expect(entryHash(unsigned)).toBe(hash);
    expect(await log.verify()).toEqual({ ok: true, entries: 2 });
    expect((await log.list({ agent: 'guardian' })).map((e) => e.seq)).toEqual([2]);
    await log.close();
  });

  it('100 concurrent appends: each recorded once, in one chain that verifies', async () => {
    const log = await AuditLog.open(sqliteConfig(mkdtempSync(join(tmpdir(), 'k8sx-audit-'))));
    const entries = await Promise.all(Array.from({ length: 100 }, (_, i) => log.append(record(i + 1))));
    expect(new Set(entries.map((e) => e.seq)).size).toBe(100);
    expect((await log.list({ limit: 1000 })).map((e) => (e.data as { n: number }).n).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(await log.verify()).toEqual({ ok: true, entries: 100 });
    await log.close();
  });

  it('two processes appending to one file still form one chain (no forked sequence)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8sx-audit-'));
    const [a, b] = await Promise.all([AuditLog.open(sqliteConfig(dir)), AuditLog.open(sqliteConfig(dir))]);
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).append(record(i + 1))));
    expect(await a.verify()).toEqual({ ok: true, entries: 40 });
    await Promise.all([a.close(), b.close()]);
  });

  it('a row edited, or deleted, in the database is found: verify names the first broken entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8sx-audit-'));
    const log = await AuditLog.open(sqliteConfig(dir));
    for (let n = 1; n <= 5; n++) await log.append(record(n));
    const raw = new Database(join(dir, AUDIT_SQLITE_FILE));
    raw.prepare("UPDATE audit_log SET outcome = 'allow' WHERE seq = 3").run();
    expect(await log.verify()).toEqual({ ok: false, entries: 5, broken: { seq: 3, problem: 'its contents do not match its hash: the row was edited' } });
    raw.prepare("UPDATE audit_log SET outcome = 'proposed' WHERE seq = 3").run();
    expect((await log.verify()).ok).toBe(true);
    raw.prepare('DELETE FROM audit_log WHERE seq = 2').run();
    expect((await log.verify()).broken).toEqual({ seq: 3, problem: 'expected entry 2 here: an entry was deleted or inserted' });
    raw.close();
    await log.close();
  });

  it('Secret values never enter it: a Secret object, credential-named keys and credential-shaped text are masked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8sx-audit-'));
    const log = await AuditLog.open(sqliteConfig(dir));
    await log.append({
      actor: 'bob',
      agent: 'dev',
      action: 'proposal',
      subject: `kubectl create secret generic app --from-literal=password=${SECRET}`,
      reason: `token=${SECRET}`,
      outcome: 'proposed',
      data: { manifest: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app' }, stringData: { value: SECRET } }, values: { dbPassword: SECRET } },
    });
    const stored = new Database(join(dir, AUDIT_SQLITE_FILE)).prepare('SELECT * FROM audit_log').all();
    expect(JSON.stringify(stored)).not.toContain(SECRET);
    expect(JSON.stringify(stored)).not.toContain(Buffer.from(SECRET).toString('base64'));
    expect((await log.verify()).ok).toBe(true);
    await log.close();
  });

  it('k8s-experts audit verify / list: OK with exit 0; a tampered log names the entry and exits non-zero', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8sx-audit-'));
    const log = await AuditLog.open(sqliteConfig(dir));
    for (let n = 1; n <= 3; n++) await log.append(record(n));
    await log.close();
    const env = cleanEnv({ HOME: dir, K8S_EXPERTS_DATA_DIR: dir });
    const ok = await runCli(['audit', 'verify'], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^audit log OK: 3 entries, hash chain intact/);
    const listed = await runCli(['audit', 'list', '--action', 'verdict'], env);
    expect(listed.stdout).toMatch(/^SEQ\s+AT\s+ACTOR/);
    expect(listed.stdout).toContain('scale deployment/cart -n shop #2');
    expect(listed.stdout).not.toContain('#1');
    const raw = new Database(join(dir, AUDIT_SQLITE_FILE));
    raw.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").run();
    raw.close();
    const broken = await runCli(['audit', 'verify'], env);
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toContain('audit log BROKEN at entry 2 of 3: its contents do not match its hash: the row was edited');
    const bad = await runCli(['audit', 'list', '--action', 'delete'], env);
    expect(bad.stderr).toContain('--action must be one of proposal, verdict, approval, rejection, expiry, execution, result');
  });
});

describe('the audit log on a real PostgreSQL (DATABASE_URL)', () => {
  const pg = usePostgres('audit');

  it('the same chain, concurrency and tamper check', async () => {
    const config = { dataDir: mkdtempSync(join(tmpdir(), 'k8sx-audit-')), a2a: { databaseUrl: pg().url('audit') } };
    const log = await AuditLog.open(config);
    expect(log.location).not.toContain(new URL(pg().url('audit')).password);
    await Promise.all(Array.from({ length: 100 }, (_, i) => log.append(record(i + 1))));
    expect(await log.verify()).toEqual({ ok: true, entries: 100 });
    await pg().query('audit', "UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 42");
    expect((await log.verify()).broken).toEqual({ seq: 42, problem: 'its contents do not match its hash: the row was edited' });
    await log.close();
  });
});
