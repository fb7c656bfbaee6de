import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * Runs `body` with `values` written to a private temp file (mode 0600), removed afterwards.
 * Values reach helm as a file (--values), never through --set strings that helm would parse.
 * Write tools keep the file for the dry run and the real run, so both see the same values.
 */
export async function withValuesFile<T>(values: Record<string, unknown> | undefined, body: (args: string[]) => Promise<T>): Promise<T> {
  if (!values || Object.keys(values).length === 0) return body([]);
  const dir = mkdtempSync(join(tmpdir(), 'k8sx-helm-'));
  const file = join(dir, 'values.yaml');
  writeFileSync(file, stringify(values), { mode: 0o600 });
  try {
    return await body(['--values', file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
