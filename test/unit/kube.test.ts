import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.js';
import { checkConnection, createKubeClient, findKubeconfig } from '../../shared/kube.js';
import { freePort } from '../../tools/cluster/processes.js';
import { writeKubeconfig } from '../helpers/kubeconfig.js';

const emptyHome = () => mkdtempSync(join(tmpdir(), 'k8sx-home-'));

describe('createKubeClient', () => {
  it('says no cluster is configured, and how to get one, when there is no kubeconfig anywhere', () => {
    const env = { HOME: emptyHome() };
    expect(findKubeconfig(undefined, env)).toBeUndefined();
    try {
      createKubeClient({ env });
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).message).toContain('no Kubernetes cluster is configured');
      expect((e as UserError).fix).toContain('k8s-experts cluster up');
    }
  });

  it('prefers KUBECONFIG over ~/.kube/config and reports where it came from', () => {
    const file = writeKubeconfig('https://127.0.0.1:1');
    const client = createKubeClient({ env: { HOME: emptyHome(), KUBECONFIG: file } });
    expect(client.source).toBe('KUBECONFIG');
    expect(client.files).toEqual([file]);
    expect(client.server).toBe('https://127.0.0.1:1');
  });

  it('fails when KUBECONFIG names a file that does not exist', () => {
    expect(() => createKubeClient({ env: { HOME: emptyHome(), KUBECONFIG: '/nope/config' } })).toThrow(/KUBECONFIG points at \/nope\/config, which does not exist/);
  });

  it('fails clearly on a malformed kubeconfig', () => {
    const dir = emptyHome();
    const file = join(dir, 'config');
    writeFileSync(file, 'clusters: [ {name: : }');
    expect(() => createKubeClient({ kubeconfig: file, env: { HOME: dir } })).toThrow(UserError);
  });

  it('switches context, and lists the known ones for an unknown context', () => {
    const file = writeKubeconfig('https://127.0.0.1:1', ['dev', 'prod']);
    expect(createKubeClient({ kubeconfig: file, context: 'prod', env: {} }).context).toBe('prod');
    const error = (() => {
      try {
        createKubeClient({ kubeconfig: file, context: 'staging', env: {} });
      } catch (e) {
        return e as UserError;
      }
    })();
    expect(error?.message).toContain('context "staging" is not in kubeconfig');
    expect(error?.fix).toBe('use one of: dev, prod');
  });
});

describe('checkConnection', () => {
  it('names the server, the context and the cause when nothing answers', async () => {
    const port = await freePort();
    const client = createKubeClient({ kubeconfig: writeKubeconfig(`https://127.0.0.1:${port}`), timeoutMs: 3000, env: {} });
    const error = await checkConnection(client).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    const message = (error as UserError).message;
    expect(message).toContain(`https://127.0.0.1:${port}`);
    expect(message).toContain('context "test"');
    expect(message).toMatch(/ECONNREFUSED/);
  });
});
