/**
 * Secret data in a backup: AES-256-GCM under a key derived with scrypt from the key file's
 * contents. One random salt per backup (one slow derivation), one random nonce per Secret; the
 * Secret's namespace/name is authenticated data, so a ciphertext moved to another Secret, or any
 * byte changed, fails to decrypt instead of restoring wrong values.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { z } from 'zod';
import { UserError } from '../../../shared/errors.js';

export const KDF = { name: 'scrypt', N: 32768, r: 8, p: 1 } as const;
export const CIPHER = 'aes-256-gcm';
/** A key file shorter than this is a password typed in a hurry, not a key. */
export const MIN_KEY_BYTES = 16;

export const kdfSchema = z.object({ name: z.literal('scrypt'), N: z.number().int().min(1024).max(1_048_576), r: z.number().int().min(1).max(32), p: z.number().int().min(1).max(16), salt: z.string().min(16) });
export type KdfParams = z.infer<typeof kdfSchema>;

export const sealedSchema = z.object({
  cipher: z.literal(CIPHER),
  kdf: kdfSchema,
  nonce: z.string().min(1),
  tag: z.string().min(1),
  ciphertext: z.string(),
});
export type Sealed = z.infer<typeof sealedSchema>;

/** What a Secret's data and stringData encrypt to (and decrypt back to). */
export interface SecretValues {
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface BackupKey {
  kdf: KdfParams;
  key: Buffer;
}

/** Checks key material read from a key file; the bytes themselves never appear in an error. */
export function checkKeyMaterial(material: Buffer, file: string): Buffer {
  if (material.length < MIN_KEY_BYTES) {
    throw new UserError(`key file ${file} holds ${material.length} bytes, fewer than ${MIN_KEY_BYTES}`, 'make a strong key: head -c 32 /dev/urandom | base64 > backup.key (and keep it apart from the backup)');
  }
  return material;
}

/** Derives the AES key from key material with these scrypt parameters. */
export function deriveKey(material: Buffer, kdf: KdfParams): Buffer {
  return scryptSync(material, Buffer.from(kdf.salt, 'base64'), 32, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r });
}

/** A new key for a new backup: fresh random salt. */
export function newBackupKey(material: Buffer): BackupKey {
  const kdf: KdfParams = { ...KDF, salt: randomBytes(16).toString('base64') };
  return { kdf, key: deriveKey(material, kdf) };
}

const aad = (namespace: string, name: string) => Buffer.from(`Secret ${namespace}/${name}`, 'utf8');

export function sealSecretValues(values: SecretValues, key: BackupKey, namespace: string, name: string): Sealed {
  const nonce = randomBytes(12);
  const cipher = createCipheriv(CIPHER, key.key, nonce);
  cipher.setAAD(aad(namespace, name));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(values), 'utf8'), cipher.final()]);
  return { cipher: CIPHER, kdf: key.kdf, nonce: nonce.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
}

const valuesSchema = z.object({ data: z.record(z.string(), z.string()).optional(), stringData: z.record(z.string(), z.string()).optional() });

/**
 * The values of a sealed Secret; a UserError when the key is wrong or the bytes were changed
 * (GCM cannot tell the two apart, so the message names both).
 */
export function openSecretValues(sealed: Sealed, key: Buffer, namespace: string, name: string): SecretValues {
  try {
    const decipher = createDecipheriv(CIPHER, key, Buffer.from(sealed.nonce, 'base64'));
    decipher.setAAD(aad(namespace, name));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
    return valuesSchema.parse(JSON.parse(plain));
  } catch {
    throw new UserError(
      `the key does not decrypt Secret ${namespace}/${name}: either --key-file is not the key this backup was made with, or the backup file was altered`,
      'pass the key file used for `backup create` with --key-file; if it is the right one, the backup is damaged — use another copy',
    );
  }
}

/** Derives once per distinct salt (a backup has one), so a restore pays scrypt once. */
export class KeyRing {
  private readonly keys = new Map<string, Buffer>();
  constructor(private readonly material: Buffer) {}
  keyFor(kdf: KdfParams): Buffer {
    const id = JSON.stringify([kdf.N, kdf.r, kdf.p, kdf.salt]);
    let key = this.keys.get(id);
    if (!key) {
      key = deriveKey(this.material, kdf);
      this.keys.set(id, key);
    }
    return key;
  }
}
