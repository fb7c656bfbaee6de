import { parseAllDocuments, stringify } from 'yaml';
import { maskSecretValues, type SecretRedactor } from '../../shared/redact.js';

/**
 * Masks every Secret in a multi-document manifest (rendered templates, a release's manifest),
 * leaving every other document exactly as helm printed it, then scrubs known Secret values.
 */
export function maskManifest(manifest: string, redactor: SecretRedactor): string {
  const docs = parseAllDocuments(manifest);
  if (docs.some((d) => d.errors.length)) return redactor.redactText(manifest);
  let out = manifest;
  // Replace from the last document backwards so earlier offsets stay valid.
  for (const doc of [...docs].reverse()) {
    const value = doc.toJS() as { kind?: string } | null;
    const range = doc.contents?.range;
    if (value?.kind !== 'Secret' || !range) continue;
    const masked = stringify(maskSecretValues(value as Parameters<typeof maskSecretValues>[0])).trimEnd();
    out = `${out.slice(0, range[0])}${masked}\n${out.slice(range[1]).replace(/^\n/, '')}`;
  }
  return redactor.redactText(out);
}
