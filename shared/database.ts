/**
 * One database connection for durable state (the audit chain, proposals): PostgreSQL when
 * a2a.databaseUrl (DATABASE_URL) is set, else a SQLite file under dataDir — WAL, with full
 * synchronous commits, so a write that was acknowledged is on disk before anything acts on it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Config } from './config.js';
import { errorMessage, UserError } from './errors.js';

export type DatabaseConfig = Pick<Config, 'dataDir'> & { a2a: Pick<Config['a2a'], 'databaseUrl'> };

export interface OpenedDatabase<DB> {
  db: Kysely<DB>;
  /** The file, or the URL without its password. */
  location: string;
  kind: 'sqlite' | 'postgres';
}

/** Opens the database; `what` names it in errors ("the audit log"). Tables are the caller's. */
export function openDatabase<DB>(config: DatabaseConfig, sqliteFile: string, what: string): OpenedDatabase<DB> {
  const url = config.a2a.databaseUrl;
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5_000 });
    // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    return { db: new Kysely<DB>({ dialect: new PostgresDialect({ pool }) }), location: url.replace(/:[^:@/]*@/, ':***@'), kind: 'postgres' };
  }
  const file = join(config.dataDir, sqliteFile);
  try {
    mkdirSync(config.dataDir, { recursive: true });
    const database = new Database(file);
    database.pragma('journal_mode = WAL');
    database.pragma('busy_timeout = 5000');
    return { db: new Kysely<DB>({ dialect: new SqliteDialect({ database }) }), location: file, kind: 'sqlite' };
  } catch (e) {
    throw new UserError(`cannot open ${what} ${file}: ${errorMessage(e)}`, 'make dataDir (K8S_EXPERTS_DATA_DIR) a writable directory');
  }
}
