import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** Writes a kubeconfig pointing at `server` (token auth) and returns its path. */
export function writeKubeconfig(server: string, contexts: string[] = ['test']): string {
  const dir = mkdtempSync(join(tmpdir(), 'k8sx-kubeconfig-'));
  const file = join(dir, 'config');
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': contexts[0],
      clusters: [{ name: 'c', cluster: { server, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { token: 'not-a-real-token' } }],
      contexts: contexts.map((name) => ({ name, context: { cluster: 'c', user: 'u' } })),
    }),
  );
  return file;
}
