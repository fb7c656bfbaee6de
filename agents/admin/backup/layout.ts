/** The on-disk layout of a backup, pure: file paths and the backup.json manifest (zod-checked when read). */
import { z } from 'zod';
import { kdfSchema, sealedSchema } from './crypto.js';
import { kindFolder } from './objects.js';

export const FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'backup.json';
/** The field a backed-up Secret carries its sealed values in, instead of data/stringData. */
export const SEALED_FIELD = 'k8sExpertsEncryptedData';
export const SECRETS_MODES = ['encrypt', 'exclude'] as const;
export type SecretsMode = (typeof SECRETS_MODES)[number];

const safeSegment = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'not a safe path segment');

export const manifestSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  tool: z.string(),
  server: z.string(),
  kubernetesVersion: z.string(),
  createdAt: z.string(),
  namespaces: z.array(z.string()).min(1),
  secrets: z.enum(SECRETS_MODES),
  encryption: z.object({ cipher: z.string(), kdf: kdfSchema }).optional(),
  counts: z.record(z.string(), z.number().int()),
  files: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/:-]*\.yaml$/).refine((p) => !p.split('/').includes('..'), 'no ".." in paths')),
  excluded: z.array(z.object({ namespace: z.string(), kind: z.string(), name: z.string(), reason: z.string() })),
  skipped: z.record(z.string(), z.number().int()).describe('objects the cluster regenerates, left out, per kind'),
  warnings: z.array(z.string()),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

export const sealedSecretSchema = z.object({ kind: z.literal('Secret'), [SEALED_FIELD]: sealedSchema.extend({ keys: z.array(z.string()) }) }).passthrough();

/** `<namespace>/<Kind>.<group>/<name>.yaml`; a Namespace lives in its own folder. */
export function objectPath(o: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string | undefined } }): string {
  const namespace = o.kind === 'Namespace' ? o.metadata.name : (o.metadata.namespace ?? '_cluster');
  for (const part of [namespace, o.metadata.name]) safeSegment.parse(part);
  return `${namespace}/${kindFolder(o.kind, o.apiVersion)}/${o.metadata.name}.yaml`;
}
