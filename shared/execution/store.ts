/**
 * Where proposals live between turns: their state, the A2A task waiting on them, the decision.
 * SQLite under dataDir (or PostgreSQL with DATABASE_URL), so a pending approval survives a
 * restart. Every state change is one conditional UPDATE — "from one of these states to that" —
 * so two answers to one approval, or a restart racing an execution, can never both win.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import { errorMessage, UserError } from '../errors.js';
import type { Proposal, ProposalState, ProposalVerdict } from './proposal.js';

export const PROPOSALS_SQLITE_FILE = 'proposals.sqlite';
const TABLE = 'proposals';

interface ProposalRow {
  id: string;
  task_id: string;
  context_id: string;
  state: string;
  created_at: string;
  updated_at: string;
  expires_at: string;
  proposal: string;
  verdict: string;
  /** JSON: who decided, why, when — or the outcome of the run. */
  decision: string;
  outcome: string;
}

export interface Decision {
  by: string;
  decision: 'approve' | 'reject' | 'expire';
  reason: string;
  at: string;
}

export interface StoredProposal {
  proposal: Proposal;
  verdict: ProposalVerdict;
  state: ProposalState;
  taskId: string;
  contextId: string;
  decision?: Decision | undefined;
  outcome: string;
  updatedAt: string;
}

const toStored = (row: ProposalRow): StoredProposal => ({
  proposal: JSON.parse(row.proposal) as Proposal,
  verdict: JSON.parse(row.verdict) as ProposalVerdict,
  state: row.state as ProposalState,
  taskId: row.task_id,
  contextId: row.context_id,
  decision: row.decision ? (JSON.parse(row.decision) as Decision) : undefined,
  outcome: row.outcome,
  updatedAt: row.updated_at,
});

export class ProposalStore {
  private constructor(
    private readonly db: Kysely<{ proposals: ProposalRow }>,
    readonly location: string,
  ) {}

  static async open(config: Pick<Config, 'dataDir'> & { a2a: Pick<Config['a2a'], 'databaseUrl'> }): Promise<ProposalStore> {
    const url = config.a2a.databaseUrl;
    let db: Kysely<{ proposals: ProposalRow }>;
    let location: string;
    if (url) {
      const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5_000 });
      pool.on('error', () => undefined);
      db = new Kysely({ dialect: new PostgresDialect({ pool }) });
      location = url.replace(/:[^:@/]*@/, ':***@');
    } else {
      const file = join(config.dataDir, PROPOSALS_SQLITE_FILE);
      try {
        mkdirSync(config.dataDir, { recursive: true });
        const database = new Database(file);
        // Full synchronous commits: "executing" must be on disk before the cluster is touched.
        database.pragma('journal_mode = WAL');
        database.pragma('busy_timeout = 5000');
        db = new Kysely({ dialect: new SqliteDialect({ database }) });
      } catch (e) {
        throw new UserError(`cannot open the proposal store ${file}: ${errorMessage(e)}`, 'make dataDir (K8S_EXPERTS_DATA_DIR) a writable directory');
      }
      location = file;
    }
    try {
      await db.schema
        .createTable(TABLE)
        .ifNotExists()
        .addColumn('id', 'varchar(100)', (c) => c.primaryKey())
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('context_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('proposal', 'text', (c) => c.notNull())
        .addColumn('verdict', 'text', (c) => c.notNull())
        .addColumn('decision', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('proposals_task_idx').ifNotExists().on(TABLE).column('task_id').execute();
    } catch (e) {
      await db.destroy();
      throw new UserError(`cannot prepare the proposal store in ${location}: ${errorMessage(e)}`, url ? 'check DATABASE_URL and that its user may create tables' : 'check that dataDir is writable');
    }
    return new ProposalStore(db, location);
  }

  async insert(entry: { proposal: Proposal; verdict: ProposalVerdict; state: ProposalState; taskId?: string | undefined; contextId?: string | undefined; outcome?: string }): Promise<void> {
    const now = new Date().toISOString();
    await this.db
      .insertInto(TABLE)
      .values({
        id: entry.proposal.id,
        task_id: entry.taskId ?? '',
        context_id: entry.contextId ?? '',
        state: entry.state,
        created_at: entry.proposal.createdAt,
        updated_at: now,
        expires_at: entry.proposal.expiresAt,
        proposal: JSON.stringify(entry.proposal),
        verdict: JSON.stringify(entry.verdict),
        decision: '',
        outcome: entry.outcome ?? '',
      })
      .execute();
  }

  async get(id: string): Promise<StoredProposal | undefined> {
    const row = await this.db.selectFrom(TABLE).selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toStored(row) : undefined;
  }

  /** The latest proposal an A2A task waits on (or waited on). */
  async byTask(taskId: string): Promise<StoredProposal | undefined> {
    const row = await this.db.selectFrom(TABLE).selectAll().where('task_id', '=', taskId).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
    return row ? toStored(row) : undefined;
  }

  /**
   * Moves a proposal from one of `from` to `to`; false when it was in another state (someone
   * else moved it first). The one way states change.
   */
  async transition(id: string, from: readonly ProposalState[], to: ProposalState, change: { decision?: Decision; outcome?: string } = {}): Promise<boolean> {
    const result = await this.db
      .updateTable(TABLE)
      .set({ state: to, updated_at: new Date().toISOString(), ...(change.decision ? { decision: JSON.stringify(change.decision) } : {}), ...(change.outcome !== undefined ? { outcome: change.outcome } : {}) })
      .where('id', '=', id)
      .where('state', 'in', [...from])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Proposals in a state (oldest first), e.g. pending ones past their expiry, or executing ones after a crash. */
  async inState(state: ProposalState, options: { expiredBy?: string } = {}): Promise<StoredProposal[]> {
    let query = this.db.selectFrom(TABLE).selectAll().where('state', '=', state);
    if (options.expiredBy) query = query.where('expires_at', '<=', options.expiredBy);
    return (await query.orderBy('created_at', 'asc').limit(1000).execute()).map(toStored);
  }

  async list(limit = 50): Promise<StoredProposal[]> {
    return (await this.db.selectFrom(TABLE).selectAll().orderBy('created_at', 'desc').limit(limit).execute()).map(toStored);
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
