import { type Task, TaskState } from '@a2a-js/sdk';
import { defaultServerCallContextBuilder, InMemoryTaskStore } from '@a2a-js/sdk/server';
import { describe, expect, it } from 'vitest';
import { agentMessage, dataPart, messageText, resultArtifact, userMessage } from '../../shared/a2a/parts.js';
import { secretMaskingTaskStore } from '../../shared/a2a/task-store.js';
import { argsForLog } from '../../shared/logger.js';
import {
  maskSecretLiterals,
  maskSecretLiteralsDeep,
  scrubSecretLiterals,
  scrubValues,
  secretLiteralsIn,
  secretLiteralsInValue,
  secretValuesIn,
} from '../../shared/secret-literals.js';

describe('secretLiteralsIn', () => {
  it('finds each value with the key it is for', () => {
    expect(secretLiteralsIn('Create a secret in namespace dev with value hunter2x')).toEqual([{ key: 'value', value: 'hunter2x' }]);
    expect(secretLiteralsIn('password=s3cr3t-value')).toEqual([{ key: 'password', value: 's3cr3t-value' }]);
    expect(secretLiteralsIn('a secret named db with password=hunter2222 and user=admin')).toEqual([
      { key: 'password', value: 'hunter2222' },
      { key: 'user', value: 'admin' },
    ]);
    expect(secretLiteralsIn('kubectl command to create a secret with token Hunter-2222 in namespace dev')).toEqual([{ key: 'token', value: 'Hunter-2222' }]);
    expect(secretLiteralsIn('the password is "two words" for the secret')).toEqual([{ key: 'password', value: 'two words' }]);
    expect(secretLiteralsIn('my token: abc123.')).toEqual([{ key: 'token', value: 'abc123' }]);
  });

  it('skips filler words and setting keys, so "a token value abc" gives abc and namespace=dev nothing', () => {
    expect(secretLiteralsIn('a secret with a token value abc')).toEqual([{ key: 'value', value: 'abc' }]);
    expect(secretLiteralsIn('a secret with key password and value hunter2')).toEqual([{ key: 'value', value: 'hunter2' }]);
    expect(secretLiteralsIn('a secret in namespace=dev named x with key API_KEY=abc')).toEqual([{ key: 'API_KEY', value: 'abc' }]);
  });

  it('is silent unless the text speaks of a secret, a password or a token (or the conversation did)', () => {
    expect(secretLiteralsIn('a configmap with value abc and LOG_LEVEL=debug')).toEqual([]);
    expect(secretLiteralsIn('use value hunter3x instead')).toEqual([]);
    expect(secretLiteralsIn('use value hunter3x instead', { assumeSecret: true })).toEqual([{ key: 'value', value: 'hunter3x' }]);
  });

  it('always finds --from-literal values and Secret manifests (data decoded too)', () => {
    expect(secretLiteralsIn("kubectl create generic db '--from-literal=user=a' --from-literal pass=\"p w\"")).toEqual([
      { key: 'user', value: 'a' },
      { key: 'pass', value: 'p w' },
    ]);
    const manifest = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  token: aHVudGVyMng=\nstringData:\n  pin: "7"\n';
    expect(secretLiteralsIn(manifest)).toEqual(expect.arrayContaining([{ key: 'token', value: 'aHVudGVyMng=' }, { key: 'token', value: 'hunter2x' }, { key: 'pin', value: '7' }]));
    expect(secretLiteralsIn('{"kind": "Secret", "stringData": {"password": "Sup3r"}}')).toContainEqual({ key: 'password', value: 'Sup3r' });
  });

  it('never counts an already masked value, so masking twice changes nothing', () => {
    expect(secretLiteralsIn('a secret with value *** and password=***')).toEqual([]);
    const once = scrubSecretLiterals('Create a secret with value hunter2x and TOKEN=x');
    expect(scrubSecretLiterals(once)).toBe(once);
  });

  it('odd input never throws, and a long text is fast', () => {
    for (const input of ['', ' ', '\u0000', 'value', 'secret value', 'secret value "', 'kind: Secret\n: : [', undefined as unknown as string, 42 as unknown as string, 'secret '.repeat(20_000), `secret value${' '.repeat(50_000)}`]) {
      expect(() => secretLiteralsIn(input)).not.toThrow();
      expect(() => scrubSecretLiterals(typeof input === 'string' ? input : '')).not.toThrow();
    }
    const started = Date.now();
    scrubSecretLiterals(`a secret ${'value x password=y '.repeat(5_000)}`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('secretValuesIn (the dev agent\'s answer check)', () => {
  it('keeps values of three characters or more', () => {
    expect(secretValuesIn('Create a secret in namespace dev with value s3cr3t-Value')).toEqual(['s3cr3t-Value']);
    expect(secretValuesIn('Create a secret in namespace dev with value x')).toEqual([]);
    expect(secretValuesIn('a configmap with value abc')).toEqual([]);
  });
});

describe('masking', () => {
  it('masks a value of three characters or more everywhere, in base64 too when long enough', () => {
    const literals = [{ key: 'value', value: 'hunter2x' }];
    expect(maskSecretLiterals('with value hunter2x; echo hunter2x; b64 aHVudGVyMng=', literals)).toBe('with value ***; echo ***; b64 ***');
  });

  it('masks a short value only in the phrase that gave it, not every occurrence of the letter', () => {
    expect(scrubSecretLiterals('Create a secret in namespace x-dev with value x')).toBe('Create a secret in namespace x-dev with value ***');
    expect(scrubSecretLiterals('a secret with KEY=x and another x')).toBe('a secret with KEY=*** and another x');
    expect(maskSecretLiterals('Approve? "value x" then kubectl … --from-literal=value=x, x marks', [{ key: 'value', value: 'x' }])).toBe(
      'Approve? "value ***" then kubectl … --from-literal=value=***, x marks',
    );
    expect(scrubSecretLiterals('the secret password: "p"')).toBe('the secret password: "***"');
  });

  it('masks values in a manifest and quoted values', () => {
    expect(scrubSecretLiterals('the password is "two words" for the secret')).toBe('the password is "***" for the secret');
    expect(scrubSecretLiterals('kind: Secret\nstringData:\n  pin: "7"\n  user: admin\n')).toBe('kind: Secret\nstringData:\n  pin: "***"\n  user: ***\n');
  });

  it('masks deep, keys included', () => {
    expect(maskSecretLiteralsDeep({ a: ['xx s3cr3t yy'], s3cr3t: 1, n: 2 }, [{ key: 'value', value: 's3cr3t' }])).toEqual({ a: ['xx *** yy'], '***': 1, n: 2 });
    expect(secretLiteralsInValue({ manifest: { kind: 'Secret', stringData: { password: 'pw-123' } }, note: 'a secret with token t0k3n' })).toEqual([
      { key: 'password', value: 'pw-123' },
      { key: 'token', value: 't0k3n' },
    ]);
    expect(scrubValues({ a: ['xx s3cr3t yy'], s3cr3t: 1 }, ['s3cr3t'])).toEqual({ a: ['xx *** yy'], '***': 1 });
  });
});

describe('argsForLog', () => {
  it('masks Secret objects, --from-literal values (one argument or two) and secret phrases', () => {
    const logged = argsForLog({
      manifest: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { password: 'aHVudGVyMng=' }, stringData: { pin: 7 } },
      argv: ['kubectl', 'create', 'secret', 'generic', 'db', '--from-literal=user=admin', '--from-literal', 'pass=hunter2x'],
      request: 'Create a secret with value hunter2x',
      short: 'kind: Secret\nstringData:\n  token: t0k3n-value\n',
    });
    expect(logged).toEqual({
      manifest: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { password: '***' }, stringData: { pin: '***' } },
      argv: ['kubectl', 'create', 'secret', 'generic', 'db', '--from-literal=user=***', '--from-literal', 'pass=***'],
      request: 'Create a secret with value ***',
      short: 'kind: Secret\nstringData:\n  token: ***\n',
    });
    expect(argsForLog({ kind: 'pods', namespace: 'shop', selector: 'app=web' })).toEqual({ kind: 'pods', namespace: 'shop', selector: 'app=web' });
  });
});

describe('secretMaskingTaskStore', () => {
  const context = defaultServerCallContextBuilder({ extensions: undefined, user: undefined, headers: {} });
  const request = userMessage('Create a secret in namespace dev with value hunter2x', { taskId: 't1', contextId: 'c1', data: { manifest: { kind: 'Secret', stringData: { pin: 'pin-7788' } } } });
  const task = (over: Partial<Task>): Task => ({
    id: 't1',
    contextId: 'c1',
    status: { state: TaskState.TASK_STATE_WORKING, message: undefined, timestamp: undefined },
    artifacts: [],
    history: [request],
    metadata: undefined,
    ...over,
  });

  it('stores every part of the task masked, leaves the task it was given intact, and masks later echoes of the turn', async () => {
    const inner = new InMemoryTaskStore();
    const store = secretMaskingTaskStore(inner);
    const first = task({ status: { state: TaskState.TASK_STATE_WORKING, message: agentMessage('working on hunter2x', { taskId: 't1' }), timestamp: undefined } });
    await store.save(first, context);
    expect(messageText(first.history[0])).toContain('hunter2x');
    const stored = (await store.load('t1', context))!;
    expect(messageText(stored.history[0])).toBe('Create a secret in namespace dev with value ***');
    expect(JSON.stringify(stored)).not.toMatch(/hunter2x|pin-7788/);

    // What the SDK does next: reload the masked task, add an echo of the value, save.
    const echoed = {
      ...stored,
      status: { state: TaskState.TASK_STATE_INPUT_REQUIRED, message: agentMessage('approve creating hunter2x / pin-7788?', { taskId: 't1', data: { value: 'hunter2x' } }), timestamp: undefined },
    };
    await store.save(echoed, context);
    const waiting = (await store.load('t1', context))!;
    expect(messageText(waiting.status?.message)).toBe('approve creating *** / ***?');
    expect(JSON.stringify(waiting)).not.toMatch(/hunter2x|pin-7788/);

    const done = { ...waiting, status: { state: TaskState.TASK_STATE_COMPLETED, message: undefined, timestamp: undefined }, artifacts: [resultArtifact({ text: 'created hunter2x', data: { hunter2x: true } })] };
    await store.save(done, context);
    expect(JSON.stringify(await store.load('t1', context))).not.toContain('hunter2x');

    // Once the task ended, its values are forgotten: a later save of it masks nothing it cannot see.
    await store.save({ ...done, artifacts: [resultArtifact({ text: 'hunter2x again' })] }, context);
    expect(JSON.stringify(await store.load('t1', context))).toContain('hunter2x again');
  });

  it('leaves a task without secret literals as it is, and masks data parts of user messages', async () => {
    const store = secretMaskingTaskStore(new InMemoryTaskStore());
    const plain = task({ id: 't2', history: [userMessage('how many pods run in shop with value 3?', { taskId: 't2' })] });
    await store.save(plain, context);
    expect(await store.load('t2', context)).toEqual(plain);

    const withData = task({ id: 't3', history: [{ ...userMessage('apply this', { taskId: 't3' }), parts: [dataPart({ manifest: 'kind: Secret\nstringData:\n  password: Sup3r-Pw\n' })] }] });
    await store.save(withData, context);
    expect(JSON.stringify(await store.load('t3', context))).not.toContain('Sup3r-Pw');
  });
});
