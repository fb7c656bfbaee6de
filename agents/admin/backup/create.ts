/** `backup create`: collect, strip, seal Secrets, write a directory or a .tar.gz. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as tar from 'tar';
import { errorMessage, UserError } from '../../../shared/errors.js';
import type { ResourceCatalog } from '../../../shared/kube-discovery.js';
import type { KubeClient } from '../../../shared/kube.js';
import { VERSION } from '../../../shared/version.js';
import { toYaml } from '../../../shared/yaml.js';
import { collectNamespaces, NamespaceMissing } from './collect.js';
import { type BackupKey, checkKeyMaterial, CIPHER, newBackupKey, sealSecretValues } from './crypto.js';
import { type BackupManifest, FORMAT_VERSION, MANIFEST_FILE, objectPath, SEALED_FIELD, type SecretsMode } from './layout.js';
import type { KubeObject } from './objects.js';
import { stripObject } from './strip.js';

export interface CreateOptions {
  namespaces: string[];
  out: string;
  secrets: SecretsMode;
  keyFile?: string | undefined;
  force?: boolean;
  stripNodePorts?: boolean;
}

export interface CreateResult {
  out: string;
  format: 'directory' | 'tar.gz';
  manifest: BackupManifest;
}

export const isTarball = (path: string) => /\.(tar\.gz|tgz)$/i.test(path);

/** Reads a key file: its bytes, checked; never echoed. */
export function readKeyFile(file: string): Buffer {
  let material: Buffer;
  try {
    material = readFileSync(file);
  } catch (e) {
    throw new UserError(`cannot read key file ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : errorMessage(e)}`, 'pass an existing file to --key-file (make one: head -c 32 /dev/urandom | base64 > backup.key)');
  }
  return checkKeyMaterial(material, file);
}

/** Refuses to overwrite an existing file or non-empty directory unless forced. */
function checkTarget(out: string, force: boolean | undefined): void {
  if (!existsSync(out)) return;
  const stat = statSync(out);
  const taken = stat.isDirectory() ? readdirSync(out).length > 0 : true;
  if (taken && !force) throw new UserError(`${out} already exists${stat.isDirectory() ? ' and is not empty' : ''}`, 'choose a new --out, or pass --force to replace it');
  if (taken) rmSync(out, { recursive: true, force: true });
}

/** A Secret as a backup stores it: data sealed (or, without a key, nothing to store). */
function sealSecret(secret: KubeObject, key: BackupKey): KubeObject {
  const { data, stringData, ...rest } = secret as KubeObject & { data?: Record<string, string>; stringData?: Record<string, string> };
  const keys = [...Object.keys(data ?? {}), ...Object.keys(stringData ?? {})];
  const sealed = sealSecretValues({ ...(data ? { data } : {}), ...(stringData ? { stringData } : {}) }, key, secret.metadata.namespace ?? '', secret.metadata.name);
  return { ...rest, [SEALED_FIELD]: { ...sealed, keys } } as KubeObject;
}

export async function createBackup(client: KubeClient, catalog: ResourceCatalog, kubernetesVersion: string, options: CreateOptions): Promise<CreateResult> {
  if (options.secrets === 'encrypt' && !options.keyFile) {
    throw new UserError('Secrets would be written unencrypted: no --key-file was given', 'pass --key-file <file> to encrypt them (--secrets encrypt), or --secrets exclude to leave Secrets out');
  }
  const key = options.secrets === 'encrypt' ? newBackupKey(readKeyFile(options.keyFile!)) : undefined;
  const out = resolve(options.out);
  const format = isTarball(out) ? 'tar.gz' : 'directory';
  checkTarget(out, options.force);

  let collected;
  try {
    collected = await collectNamespaces(client, catalog, options.namespaces);
  } catch (e) {
    if (e instanceof NamespaceMissing) throw new UserError(`namespace ${e.namespace} does not exist on ${client.server}`, 'list namespaces with `kubectl get ns` and pass existing ones to --namespace');
    throw e;
  }
  const excluded: BackupManifest['excluded'] = [];
  const files = new Map<string, string>();
  const counts: Record<string, number> = {};
  for (const original of collected.objects) {
    let object = stripObject(original, { stripNodePorts: options.stripNodePorts ?? false });
    if (object.kind === 'Secret') {
      if (!key) {
        excluded.push({ namespace: object.metadata.namespace ?? '', kind: 'Secret', name: object.metadata.name, reason: '--secrets exclude' });
        continue;
      }
      object = sealSecret(object, key);
    }
    const path = objectPath(object);
    files.set(path, `${toYaml(object)}\n`);
    counts[object.kind] = (counts[object.kind] ?? 0) + 1;
  }
  const manifest: BackupManifest = {
    formatVersion: FORMAT_VERSION,
    tool: `k8s-experts ${VERSION}`,
    server: client.server,
    kubernetesVersion,
    createdAt: new Date().toISOString(),
    namespaces: [...options.namespaces],
    secrets: options.secrets,
    ...(key ? { encryption: { cipher: CIPHER, kdf: key.kdf } } : {}),
    counts,
    files: [...files.keys()].sort(),
    excluded,
    skipped: collected.skipped,
    warnings: collected.warnings,
  };

  const dir = format === 'directory' ? out : mkdtempSync(join(tmpdir(), 'k8sx-backup-'));
  try {
    for (const [path, text] of files) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text, { mode: 0o600 });
    }
    writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    if (format === 'tar.gz') {
      mkdirSync(dirname(out), { recursive: true });
      await tar.c({ gzip: true, file: out, cwd: dir, portable: true }, [MANIFEST_FILE, ...manifest.files]);
    }
  } finally {
    if (format === 'tar.gz') rmSync(dir, { recursive: true, force: true });
  }
  return { out, format, manifest };
}
