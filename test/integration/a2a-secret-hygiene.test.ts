import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Message, type Task, TaskState } from '@a2a-js/sdk';
import type { Client } from '@a2a-js/sdk/client';
import { describe, expect, it } from 'vitest';
import type { AgentDefinition } from '../../shared/a2a/agent.js';
import { messageText, taskResult, userMessage } from '../../shared/a2a/parts.js';
import type { RunningAgent } from '../../shared/a2a/serve.js';
import { SQLITE_FILE } from '../../shared/a2a/task-store.js';
import { type Config, loadConfig } from '../../shared/config.js';
import { argsForLog, type Logger, loggerFromConfig } from '../../shared/logger.js';
import { serveForTest } from '../helpers/a2a.js';
import { usePostgres } from '../helpers/postgres.js';

// A Secret value given in a request appears nowhere: not in GetTask/ListTasks answers, not in the
// task database's bytes (SQLite file and WAL, PostgreSQL rows), not in agent.log — while the
// agent itself still gets the value it needs.

const VALUES = ['hunter2x', 's3cr3t-value'];
const b64 = (s: string) => Buffer.from(s).toString('base64');
/** Every form a value could be stored in: plain, base64 (a data part), JSON-escaped is the same. */
const FORMS = VALUES.flatMap((v) => [v, b64(v)]);

function expectNoValue(what: string, text: string): void {
  for (const form of FORMS) expect(text.includes(form), `${what} holds "${form}"`).toBe(false);
}

const asTask = (reply: Message | Task): Task => {
  expect('status' in reply, 'expected a Task, got a Message').toBe(true);
  return reply as Task;
};

const listAll = { tenant: '', contextId: '', status: TaskState.TASK_STATE_UNSPECIFIED, pageToken: '', statusTimestampAfter: undefined, includeArtifacts: true };

/**
 * An agent that echoes its input everywhere it can: into progress, an input-required question,
 * the answer and a tool-call log line (as the crew's MCP clients log them). On the follow-up it
 * echoes the first request again, from its own memory, as an approval flow would.
 */
function echoingAgent(logger: Logger, seen: string[]): AgentDefinition {
  const requests = new Map<string, string>();
  return {
    name: 'dev',
    mcpServers: [],
    handler: async ({ text, taskId, progress, request }) => {
      seen.push(text);
      progress(`working on: ${text}`, { request: text });
      logger.info({ agent: 'dev', tool: 'kubectl', args: argsForLog({ request: text, argv: ['kubectl', 'create', 'secret', 'generic', 'app-secret', `--from-literal=value=${VALUES[0]}`] }) }, 'tool call');
      if (!request.task && /with value/.test(text)) {
        requests.set(taskId, text);
        return { text: `Approve? ${text}`, data: { request: text, command: `kubectl create secret generic app-secret --from-literal=value=${VALUES[0]} -n dev` }, inputRequired: true };
      }
      const original = requests.get(taskId) ?? text;
      return { text: `done: ${original} (${text})`, data: { echoed: original } };
    },
  };
}

interface Served {
  agent: RunningAgent;
  client: Client;
  /** The texts the handler was given. */
  seen: string[];
}

async function serve(config: Config): Promise<Served> {
  const logger = loggerFromConfig(config, { console: 'none' });
  const seen: string[] = [];
  const { agent, client } = await serveForTest(echoingAgent(logger, seen), config, logger);
  return { agent, client, seen };
}

/** The conversation: a secret with a value (input-required, then approved) and a password=… request. */
async function converse({ client, seen }: Served): Promise<Task[]> {
  const asked = asTask(await client.sendMessage({ tenant: '', message: userMessage('Create a secret in namespace dev with value hunter2x'), configuration: undefined, metadata: undefined }));
  expect(asked.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);

  // While the task waits for the caller: the stored copy is masked, the question still readable.
  const waiting = await client.getTask({ tenant: '', id: asked.id });
  expect(waiting.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
  expect(messageText(waiting.history[0])).toBe('Create a secret in namespace dev with value ***');
  expect(messageText(waiting.status?.message)).toBe('Approve? Create a secret in namespace dev with value ***');
  expectNoValue('GetTask while input-required', JSON.stringify(waiting));

  const approved = asTask(await client.sendMessage({ tenant: '', message: userMessage('approve', { taskId: asked.id, contextId: asked.contextId }), configuration: undefined, metadata: undefined }));
  expect(approved.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
  const password = asTask(await client.sendMessage({ tenant: '', message: userMessage('password=s3cr3t-value'), configuration: undefined, metadata: undefined }));
  expect(password.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);

  // The agent itself got the values: masking the stored copy never touched what it is given.
  expect(seen).toEqual(['Create a secret in namespace dev with value hunter2x', 'approve', 'password=s3cr3t-value']);

  const done = await client.getTask({ tenant: '', id: asked.id });
  expect(taskResult(done)?.text).toBe('done: Create a secret in namespace dev with value *** (approve)');
  expect(done.history.map((m) => messageText(m))).toContain('approve');
  expectNoValue('GetTask after completion', JSON.stringify(done));
  const other = await client.getTask({ tenant: '', id: password.id });
  expect(messageText(other.history[0])).toBe('password=***');
  expectNoValue('GetTask of password=…', JSON.stringify(other));

  const listed = await client.listTasks(listAll);
  expect(listed.tasks.map((t) => t.id).sort()).toEqual([asked.id, password.id].sort());
  expectNoValue('ListTasks', JSON.stringify(listed));
  return [done, other];
}

function expectCleanLog(file: string): void {
  const log = readFileSync(file, 'utf8');
  expect(log).toMatch(/"msg":"tool call"/);
  expect(log).toContain('--from-literal=value=***');
  expectNoValue('agent.log', log);
}

function configFor(env: Record<string, string> = {}): { config: Config; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'k8sx-hygiene-'));
  const config = loadConfig({ env: { K8S_EXPERTS_DATA_DIR: join(dir, 'data'), K8S_EXPERTS_LOG_FILE: join(dir, 'agent.log'), K8S_EXPERTS_LOG_LEVEL: 'debug', ...env }, cwd: dir });
  return { config, dir };
}

describe('a secret value given in a request appears nowhere', () => {
  it('SQLite: GetTask/ListTasks over A2A, the database file and its WAL, agent.log', async () => {
    const { config, dir } = configFor();
    const served = await serve(config);
    const files = ['', '-wal', '-shm'].map((suffix) => join(dir, 'data', `${SQLITE_FILE}${suffix}`));
    try {
      await converse(served);
      // Read while the WAL still holds the latest writes, then again after close checkpoints them.
      expect(existsSync(files[1]!), 'the task database runs in WAL mode').toBe(true);
      const wal = readFileSync(files[1]!);
      expect(wal.includes('with value ***'), 'the WAL holds the masked request').toBe(true);
      for (const file of files.filter((f) => existsSync(f))) expectNoValue(file, readFileSync(file).toString('latin1'));
    } finally {
      await served.agent.close();
    }
    const db = readFileSync(files[0]!);
    expect(db.includes('password=***'), 'the database holds the masked request').toBe(true);
    for (const file of files.filter((f) => existsSync(f))) expectNoValue(file, readFileSync(file).toString('latin1'));
    expectCleanLog(join(dir, 'agent.log'));
  });

  describe('PostgreSQL (DATABASE_URL)', () => {
    const DB = 'hygiene_tasks';
    const postgres = usePostgres(DB);

    it('GetTask/ListTasks over A2A, every stored row, agent.log', async () => {
      const { config, dir } = configFor({ DATABASE_URL: postgres().url(DB) });
      const served = await serve(config);
      let tasks: Task[];
      try {
        tasks = await converse(served);
      } finally {
        await served.agent.close();
      }
      const rows = await postgres().query<Record<string, unknown>>(DB, 'select * from tasks');
      expect(rows.map((r) => r.id).sort()).toEqual(tasks.map((t) => t.id).sort());
      const stored = JSON.stringify(rows);
      expect(stored).toContain('with value ***');
      expectNoValue('the tasks table', stored);
      expect(existsSync(join(dir, 'data', SQLITE_FILE)), 'no SQLite file when DATABASE_URL is set').toBe(false);
      expectCleanLog(join(dir, 'agent.log'));
    });
  });
});
