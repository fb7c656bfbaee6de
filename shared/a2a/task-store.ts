import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskStore } from '@a2a-js/sdk/server';
import { DatabaseTaskStore, TASK_TABLE } from '@a2a-js/sdk/server/database';
import Database from 'better-sqlite3';
import { type Kysely, Kysely as KyselyDb, type Migration, Migrator, PostgresDialect, sql, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import { errorMessage, UserError } from '../errors.js';
import type { Logger } from '../logger.js';

/** The SQLite file under dataDir that holds every agent's tasks (one process or several). */
export const SQLITE_FILE = 'a2a-tasks.sqlite';

/**
 * The SDK's task-store schema, as its `a2a-db` CLI creates it (same migration name, ledger table
 * and lock table), so `npx a2a-db status --url sqlite:<file>` agrees with what ran here. The SDK
 * does not export its migrations, only the CLI; a shared in-process connection needs them here.
 */
const LEDGER_TABLE = `a2a_${TASK_TABLE}_migrations`;
const LOCK_TABLE = 'a2a_migrations_lock';

function taskMigrations(dialect: 'sqlite' | 'postgres'): Record<string, Migration> {
  const collate = dialect === 'postgres' ? 'collate "C"' : 'collate binary';
  const v255 = sql.raw(`varchar(255) ${collate}`);
  const v36 = sql.raw(`varchar(36) ${collate}`);
  return {
    '0001_create_tasks': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable(TASK_TABLE)
          .addColumn('tenant', v255, (c) => c.notNull())
          .addColumn('owner', v255, (c) => c.notNull())
          .addColumn('id', v36, (c) => c.notNull())
          .addColumn('context_id', v36, (c) => c.notNull())
          .addColumn('status_last_updated', 'bigint', (c) => c.notNull())
          .addColumn('status_state', v255)
          .addColumn('status', 'text')
          .addColumn('artifacts', 'text')
          .addColumn('history', 'text')
          .addColumn('metadata', 'text')
          .addColumn('protocol_version', 'varchar(255)')
          .addPrimaryKeyConstraint(`${TASK_TABLE}_pkey`, ['tenant', 'owner', 'id'])
          .execute();
        await db.schema
          .createIndex(`${TASK_TABLE}_scope_updated_idx`)
          .on(TASK_TABLE)
          .columns(['tenant', 'owner', 'status_last_updated', 'id'])
          .execute();
        await db.schema
          .createIndex(`${TASK_TABLE}_scope_context_updated_idx`)
          .on(TASK_TABLE)
          .columns(['tenant', 'owner', 'context_id', 'status_last_updated', 'id'])
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable(TASK_TABLE).ifExists().execute();
      },
    },
  };
}

interface SharedDb {
  db: Kysely<unknown>;
  kind: 'sqlite' | 'postgres';
  /** The file, or the URL without its password. */
  location: string;
  refs: number;
  ready: Promise<void>;
}

/** One connection (pool) per database per process: agents of one process share it. */
const databases = new Map<string, SharedDb>();

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

async function prepare(shared: SharedDb): Promise<void> {
  if (shared.kind === 'postgres') {
    try {
      await sql`select 1`.execute(shared.db);
    } catch (e) {
      throw new UserError(
        `cannot reach PostgreSQL at ${shared.location} (a2a.databaseUrl / DATABASE_URL): ${errorMessage(e) || (e as { code?: string }).code || 'connection failed'}`,
        'start that database or correct DATABASE_URL; unset it to keep tasks in the SQLite file under dataDir',
      );
    }
  }
  const migrator = new Migrator({
    db: shared.db,
    provider: { getMigrations: () => Promise.resolve(taskMigrations(shared.kind)) },
    migrationTableName: LEDGER_TABLE,
    migrationLockTableName: LOCK_TABLE,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new UserError(
      `cannot prepare the A2A task table in ${shared.location}${failed ? ` (migration ${failed})` : ''}: ${errorMessage(error)}`,
      shared.kind === 'sqlite' ? 'check that the file is writable and not held by another program, or point dataDir elsewhere' : 'check that the DATABASE_URL user may create tables',
    );
  }
}

function openShared(config: Config): SharedDb {
  const url = config.a2a.databaseUrl;
  const key = url ? `pg:${url}` : `sqlite:${join(config.dataDir, SQLITE_FILE)}`;
  const existing = databases.get(key);
  if (existing) {
    existing.refs++;
    return existing;
  }
  let shared: SharedDb;
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5_000 });
    // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    shared = { db: new KyselyDb<unknown>({ dialect: new PostgresDialect({ pool }) }), kind: 'postgres', location: redactUrl(url), refs: 1, ready: Promise.resolve() };
  } else {
    const file = join(config.dataDir, SQLITE_FILE);
    let database: Database.Database;
    try {
      mkdirSync(config.dataDir, { recursive: true });
      database = new Database(file);
      database.pragma('journal_mode = WAL');
      // With WAL, NORMAL syncs at checkpoints rather than on every commit: a crashed process loses
      // nothing; only a power cut can drop the last few status updates. Every task write was an fsync.
      database.pragma('synchronous = NORMAL');
      database.pragma('busy_timeout = 5000');
    } catch (e) {
      throw new UserError(`cannot open the A2A task database ${file}: ${errorMessage(e)}`, 'make dataDir (K8S_EXPERTS_DATA_DIR) a writable directory');
    }
    shared = { db: new KyselyDb<unknown>({ dialect: new SqliteDialect({ database }) }), kind: 'sqlite', location: file, refs: 1, ready: Promise.resolve() };
  }
  shared.ready = prepare(shared);
  databases.set(key, shared);
  return shared;
}

export interface TaskStoreHandle {
  store: TaskStore;
  kind: 'sqlite' | 'postgres';
  /** The SQLite file, or the PostgreSQL URL without its password. */
  location: string;
  /** Releases this agent's use of the database; the last user closes it. Idempotent. */
  close(): Promise<void>;
}

/**
 * The SDK's DatabaseTaskStore for one agent: SQLite under dataDir by default, PostgreSQL when
 * a2a.databaseUrl (DATABASE_URL) is set. One `tasks` table holds every agent's tasks; the owner
 * column is the agent's name, so each agent sees (GetTask, ListTasks) only its own. Callers share
 * one bearer token, so there is no per-user identity to scope by.
 */
export async function openTaskStore(options: { agent: string; config: Config; logger?: Logger }): Promise<TaskStoreHandle> {
  const shared = openShared(options.config);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    shared.refs--;
    if (shared.refs > 0) return;
    for (const [key, value] of databases) if (value === shared) databases.delete(key);
    await shared.db.destroy().catch((e: unknown) => options.logger?.warn({ err: e }, 'closing the task database failed'));
  };
  try {
    await shared.ready;
  } catch (e) {
    await close();
    throw e;
  }
  const agent = options.agent;
  const store = new DatabaseTaskStore(shared.db, { ownerResolver: () => agent });
  options.logger?.debug({ agent, database: shared.kind, location: shared.location }, 'A2A task store ready');
  return { store, kind: shared.kind, location: shared.location, close };
}
