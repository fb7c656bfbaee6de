import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Artifact, type Message, type Part, Role, type Task, TaskState } from '@a2a-js/sdk';
import type { ServerCallContext, TaskStore } from '@a2a-js/sdk/server';
import { DatabaseTaskStore, TASK_TABLE } from '@a2a-js/sdk/server/database';
import Database from 'better-sqlite3';
import { type Kysely, Kysely as KyselyDb, type Migration, Migrator, PostgresDialect, sql, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import { errorMessage, UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import { maskSecretLiterals, maskSecretLiteralsDeep, mentionsSecret, type SecretLiteral, secretLiteralsIn, secretLiteralsInValue } from '../secret-literals.js';
import { messageText } from './parts.js';

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

const FINAL_STATES = new Set([TaskState.TASK_STATE_COMPLETED, TaskState.TASK_STATE_FAILED, TaskState.TASK_STATE_CANCELED, TaskState.TASK_STATE_REJECTED]);

/** Tasks whose literals are remembered at once; beyond that the oldest are forgotten. */
const REMEMBERED_TASKS = 1_000;

/** The secret literals a task's user messages give (text and data parts). */
function userLiterals(task: Task): SecretLiteral[] {
  const users = (task.history ?? []).filter((m) => m.role === Role.ROLE_USER);
  // A follow-up ("use value y instead") is about a secret when the conversation was.
  const assumeSecret = users.some((m) => mentionsSecret(messageText(m)));
  return users.flatMap((m) =>
    m.parts.flatMap((p) =>
      p.content?.$case === 'text' ? secretLiteralsIn(p.content.value, { assumeSecret }) : p.content?.$case === 'data' ? secretLiteralsInValue(p.content.value, { assumeSecret }) : [],
    ),
  );
}

function maskPart(part: Part, literals: SecretLiteral[]): Part {
  const metadata = maskSecretLiteralsDeep(part.metadata, literals);
  const content = part.content;
  if (content?.$case === 'text') return { ...part, metadata, content: { $case: 'text', value: maskSecretLiterals(content.value, literals) } };
  if (content?.$case === 'data') return { ...part, metadata, content: { $case: 'data', value: maskSecretLiteralsDeep(content.value as unknown, literals) } };
  return { ...part, metadata };
}

function maskMessage(message: Message, literals: SecretLiteral[]): Message {
  return { ...message, parts: message.parts.map((p) => maskPart(p, literals)), metadata: maskSecretLiteralsDeep(message.metadata, literals) };
}

function maskArtifact(artifact: Artifact, literals: SecretLiteral[]): Artifact {
  return {
    ...artifact,
    name: maskSecretLiterals(artifact.name, literals),
    description: maskSecretLiterals(artifact.description, literals),
    parts: artifact.parts.map((p) => maskPart(p, literals)),
    metadata: maskSecretLiteralsDeep(artifact.metadata, literals),
  };
}

/** A copy of a task with the literals masked in its messages, status, artifacts and metadata (ids untouched). */
function maskTask(task: Task, literals: SecretLiteral[]): Task {
  return {
    ...task,
    history: (task.history ?? []).map((m) => maskMessage(m, literals)),
    status: task.status && { ...task.status, message: task.status.message && maskMessage(task.status.message, literals) },
    artifacts: (task.artifacts ?? []).map((a) => maskArtifact(a, literals)),
    metadata: maskSecretLiteralsDeep(task.metadata, literals),
  };
}

/**
 * A TaskStore that never stores a secret value a person gave in a request: every save masks, in
 * the whole task, each secret literal its user messages hold (shared/secret-literals.ts), so
 * GetTask, ListTasks and the database see "with value ***". Loads return what was stored.
 *
 * The literals are recomputed from the task's own user messages on every save, but the SDK
 * reloads the (already masked) task before each status and artifact update of a turn, so a
 * progress message or answer echoing the value would meet a history that no longer holds it.
 * The literals of a task are therefore also remembered in memory (never stored) until it ends,
 * for at most REMEMBERED_TASKS tasks. The value stays intact where the handler reads it: the SDK
 * gives the executor the incoming message itself, and this never changes what it is given.
 */
export function secretMaskingTaskStore(inner: TaskStore): TaskStore {
  const remembered = new Map<string, SecretLiteral[]>();
  const remember = (task: Task, literals: SecretLiteral[]) => {
    remembered.delete(task.id);
    if (task.status && FINAL_STATES.has(task.status.state)) return;
    remembered.set(task.id, literals);
    if (remembered.size > REMEMBERED_TASKS) remembered.delete(remembered.keys().next().value!);
  };
  return {
    save: async (task: Task, context: ServerCallContext) => {
      const found = userLiterals(task);
      const known = remembered.get(task.id) ?? [];
      const literals = found.length === 0 ? known : [...known, ...found.filter((f) => !known.some((k) => k.key === f.key && k.value === f.value))];
      if (literals.length > 0) remember(task, literals);
      await inner.save(literals.length === 0 ? task : maskTask(task, literals), context);
    },
    load: (taskId, context) => inner.load(taskId, context),
    list: (params, context) => inner.list(params, context),
  };
}

/**
 * The SDK's DatabaseTaskStore for one agent: SQLite under dataDir by default, PostgreSQL when
 * a2a.databaseUrl (DATABASE_URL) is set. One `tasks` table holds every agent's tasks; the owner
 * column is the agent's name, so each agent sees (GetTask, ListTasks) only its own. Callers share
 * one bearer token, so there is no per-user identity to scope by. Secret values given in requests
 * are masked before anything is stored (secretMaskingTaskStore).
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
  const store = secretMaskingTaskStore(new DatabaseTaskStore(shared.db, { ownerResolver: () => agent }));
  options.logger?.debug({ agent, database: shared.kind, location: shared.location }, 'A2A task store ready');
  return { store, kind: shared.kind, location: shared.location, close };
}
