/**
 * Manifest files on disk for the commands that read them without a cluster (`scan`,
 * `deprecations`): the paths given, directories walked, unreadable ones a bad-input error (exit 2).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage, UserError } from '../shared/errors.js';

/** The exit code of a command given input it cannot use. */
export const EXIT_BAD_INPUT = 2;
const MANIFEST_FILE = /\.(ya?ml|json)$/i;

export const badInput = (message: string, fix: string) => new UserError(message, fix, EXIT_BAD_INPUT);

/** The manifest files of a path: the file itself, or a directory's .yaml/.yml/.json files (recursively, sorted, dot files left out). */
export function manifestFiles(path: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    throw badInput(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : errorMessage(e)}`, 'pass existing manifest files or directories');
  }
  if (!stat.isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((d) => !d.name.startsWith('.'))
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((d) => (d.isDirectory() ? manifestFiles(join(path, d.name)) : MANIFEST_FILE.test(d.name) ? [join(path, d.name)] : []));
}

/** A file's text, or a bad-input error that names it. */
export function readManifestText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw badInput(`cannot read ${file}: ${errorMessage(e)}`, 'check the path and its permissions');
  }
}
