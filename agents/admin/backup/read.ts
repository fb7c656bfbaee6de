/** Reads a backup (directory or .tar.gz) back: manifest and objects, every file checked; Secrets stay sealed. */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tar from 'tar';
import { errorMessage, UserError } from '../../../shared/errors.js';
import { parseYamlDocuments } from '../../../shared/yaml.js';
import { isTarball } from './create.js';
import { type BackupManifest, MANIFEST_FILE, manifestSchema, objectPath } from './layout.js';
import { type KubeObject, kubeObjectSchema } from './objects.js';

export interface LoadedBackup {
  source: string;
  manifest: BackupManifest;
  objects: KubeObject[];
}

const damaged = (what: string) => new UserError(`backup is not usable: ${what}`, 'check the path points at a backup made by `k8s-experts backup create`, and that it was not edited');

function readObjects(dir: string, source: string): LoadedBackup {
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) throw damaged(`${source} has no ${MANIFEST_FILE}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (e) {
    throw damaged(`${MANIFEST_FILE} is not JSON (${errorMessage(e)})`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw damaged(`${MANIFEST_FILE}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 3).join('; ')}`);
  const manifest = parsed.data;
  const objects = manifest.files.map((file) => {
    const path = join(dir, file);
    if (!existsSync(path)) throw damaged(`${file}, listed in ${MANIFEST_FILE}, is missing`);
    const { values, errors } = parseYamlDocuments(readFileSync(path, 'utf8'));
    if (errors.length || values.length !== 1) throw damaged(`${file} must hold exactly one YAML object${errors[0] ? ` (line ${errors[0].line ?? '?'}: ${errors[0].message})` : ''}`);
    const object = kubeObjectSchema.safeParse(values[0]);
    if (!object.success) throw damaged(`${file} is not a Kubernetes object (${object.error.issues[0]?.message ?? 'invalid'})`);
    // The path names the object: a file moved or an object renamed is an edit, not a backup.
    if (objectPath(object.data) !== file) throw damaged(`${file} holds ${object.data.kind} ${object.data.metadata.name}, which belongs at ${objectPath(object.data)}`);
    return object.data;
  });
  return { source, manifest, objects };
}

/** Loads a backup from a directory or a .tar.gz (extracted to a private temp dir, removed afterwards). */
export async function loadBackup(path: string): Promise<LoadedBackup> {
  const source = resolve(path);
  if (!existsSync(source)) throw new UserError(`backup ${source} does not exist`, 'pass the directory or .tar.gz written by `k8s-experts backup create`');
  if (statSync(source).isDirectory()) return readObjects(source, source);
  if (!isTarball(source)) throw new UserError(`${source} is neither a directory nor a .tar.gz`, 'pass the directory or .tar.gz written by `k8s-experts backup create`');
  const dir = mkdtempSync(join(tmpdir(), 'k8sx-restore-'));
  try {
    try {
      // Regular files and folders only; tar strips absolute paths and ".." by default.
      await tar.x({ file: source, cwd: dir, strict: true, filter: (_p, entry) => !('type' in entry) || entry.type === 'File' || entry.type === 'Directory' });
    } catch (e) {
      throw damaged(`${source} does not extract (${errorMessage(e)})`);
    }
    return readObjects(dir, source);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
