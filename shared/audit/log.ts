/**
 * The audit trail: every proposal, verdict, approval, execution and result, appended to a hash
 * chain — each entry's hash covers its fields and the previous entry's hash — in SQLite under
 * dataDir, or PostgreSQL when DATABASE_URL is set. Editing, deleting or inserting a row anywhere
 * breaks the chain from that entry on, and `verify` names the first broken one. Secret values
 * never enter it: data is masked before it is hashed and written.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type DatabaseConfig, openDatabase } from '../database.js';
import { errorMessage, UserError } from '../errors.js';
import { type KubeObjectLike, maskCredentialKeys, maskCredentialPatterns, maskSecretValues } from '../redact.js';

export const AUDIT_ACTIONS = ['proposal', 'verdict', 'approval', 'rejection', 'expiry', 'execution', 'result'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What an entry says: who, which agent, what, why, the outcome, and evidence. */
export interface AuditRecord {
  actor: string;
  agent: string;
  action: AuditAction;
  /** What it is about, e.g. "delete namespace/payments". */
  subject: string;
  reason: string;
  outcome: string;
  data?: unknown;
}

export interface AuditEntry extends Required<AuditRecord> {
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
}

interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  agent: string;
  action: string;
  subject: string;
  reason: string;
  outcome: string;
  data: string;
  prev_hash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);
const TABLE = 'audit_log';
export const AUDIT_SQLITE_FILE = 'audit.sqlite';

/** Secret values out, before anything is hashed or stored: Secrets by structure, credentials by key and shape. */
export function maskForAudit(value: unknown): unknown {
  if (typeof value === 'string') return maskCredentialPatterns(value);
  if (Array.isArray(value)) return value.map(maskForAudit);
  if (value !== null && typeof value === 'object') {
    const object = (value as KubeObjectLike).kind === 'Secret' ? maskSecretValues(value as KubeObjectLike) : value;
    return Object.fromEntries(Object.entries(maskCredentialKeys(object as Record<string, unknown>)).map(([k, v]) => [k, maskForAudit(v)]));
  }
  return value;
}

/** The hash of an entry: its fields in a fixed order, and the previous entry's hash. */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const fields = [entry.seq, entry.at, entry.actor, entry.agent, entry.action, entry.subject, entry.reason, entry.outcome, JSON.stringify(entry.data ?? null), entry.prevHash];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

const toEntry = (row: AuditRow): AuditEntry => ({
  seq: Number(row.seq),
  at: row.at,
  actor: row.actor,
  agent: row.agent,
  action: row.action as AuditAction,
  subject: row.subject,
  reason: row.reason,
  outcome: row.outcome,
  data: JSON.parse(row.data) as unknown,
  prevHash: row.prev_hash,
  hash: row.hash,
});

export interface VerifyResult {
  ok: boolean;
  entries: number;
  /** The first entry whose hash, link or sequence does not hold, and why. */
  broken?: { seq: number; problem: string };
}

export interface AuditFilter {
  agent?: string | undefined;
  action?: AuditAction | undefined;
  actor?: string | undefined;
  /** ISO time: entries at or after it. */
  since?: string | undefined;
  /** Only the entries of one proposal (its id in the entry's data). */
  proposalId?: string | undefined;
  limit?: number | undefined;
}

export class AuditLog {
  /** Appends in this process go one at a time: each needs the hash before it. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: Kysely<{ audit_log: AuditRow }>,
    readonly location: string,
  ) {}

  static async open(config: DatabaseConfig): Promise<AuditLog> {
    const url = config.a2a.databaseUrl;
    const { db, location } = openDatabase<{ audit_log: AuditRow }>(config, AUDIT_SQLITE_FILE, 'the audit log');
    try {
      await db.schema
        .createTable(TABLE)
        .ifNotExists()
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('agent', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
    } catch (e) {
      await db.destroy();
      throw new UserError(`cannot prepare the audit log in ${location}: ${errorMessage(e)}`, url ? 'check DATABASE_URL and that its user may create tables' : 'check that dataDir is writable');
    }
    return new AuditLog(db, location);
  }

  /** Appends one entry at the end of the chain; another process's append in between is retried. */
  append(record: AuditRecord): Promise<AuditEntry> {
    const next = this.queue.then(() => this.appendNow(record));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async appendNow(record: AuditRecord): Promise<AuditEntry> {
    for (let attempt = 1; ; attempt++) {
      const last = await this.db.selectFrom(TABLE).select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const unsigned = {
        seq: (last ? Number(last.seq) : 0) + 1,
        at: new Date().toISOString(),
        actor: record.actor,
        agent: record.agent,
        action: record.action,
        subject: maskCredentialPatterns(record.subject),
        reason: maskCredentialPatterns(record.reason),
        outcome: maskCredentialPatterns(record.outcome),
        data: maskForAudit(record.data ?? null),
        prevHash: last?.hash ?? GENESIS_HASH,
      };
      const entry: AuditEntry = { ...unsigned, hash: entryHash(unsigned) };
      try {
        await this.db
          .insertInto(TABLE)
          .values({ seq: entry.seq, at: entry.at, actor: entry.actor, agent: entry.agent, action: entry.action, subject: entry.subject, reason: entry.reason, outcome: entry.outcome, data: JSON.stringify(entry.data), prev_hash: entry.prevHash, hash: entry.hash })
          .execute();
        return entry;
      } catch (e) {
        // The sequence is the primary key: a clash means another process appended first.
        if (attempt >= 20 || !/unique|primary key|duplicate/i.test(errorMessage(e))) throw e;
      }
    }
  }

  async list(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    let query = this.db.selectFrom(TABLE).selectAll();
    if (filter.agent) query = query.where('agent', '=', filter.agent);
    if (filter.action) query = query.where('action', '=', filter.action);
    if (filter.actor) query = query.where('actor', '=', filter.actor);
    if (filter.since) query = query.where('at', '>=', filter.since);
    // Ids are UUID-shaped (checked by the caller), so the pattern holds no wildcard of its own.
    if (filter.proposalId) query = query.where('data', 'like', `%"proposalId":"${filter.proposalId}"%`);
    const rows = await query.orderBy('seq', 'desc').limit(filter.limit ?? 100).execute();
    return rows.map(toEntry).reverse();
  }

  /** Walks the whole chain: every hash recomputed, every link and sequence number checked. */
  async verify(): Promise<VerifyResult> {
    const rows = await this.db.selectFrom(TABLE).selectAll().orderBy('seq', 'asc').execute();
    let prevHash = GENESIS_HASH;
    for (const [i, row] of rows.entries()) {
      const entry = toEntry(row);
      if (entry.seq !== i + 1) return { ok: false, entries: rows.length, broken: { seq: entry.seq, problem: `expected entry ${i + 1} here: an entry was deleted or inserted` } };
      if (entry.prevHash !== prevHash) return { ok: false, entries: rows.length, broken: { seq: entry.seq, problem: 'it does not link to the entry before it' } };
      const { hash, ...unsigned } = entry;
      if (entryHash(unsigned) !== hash) return { ok: false, entries: rows.length, broken: { seq: entry.seq, problem: 'its contents do not match its hash: the row was edited' } };
      prevHash = hash;
    }
    return { ok: true, entries: rows.length };
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
