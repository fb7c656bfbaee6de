/**
 * Where proposals live between turns: their state, the A2A task waiting on them, the decision.
 * SQLite under dataDir (or PostgreSQL with DATABASE_URL), so a pending approval survives a
 * restart. Every state change is one conditional UPDATE — "from one of these states to that" —
 * so two answers to one approval, or a restart racing an execution, can never both win.
 */
import type { Kysely } from 'kysely';
import { type DatabaseConfig, openDatabase } from '../database.js';
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

  static async open(config: DatabaseConfig): Promise<ProposalStore> {
    const url = config.a2a.databaseUrl;
    const { db, location } = openDatabase<{ proposals: ProposalRow }>(config, PROPOSALS_SQLITE_FILE, 'the proposal store');
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
