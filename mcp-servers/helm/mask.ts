import { parseAllDocuments, stringify } from 'yaml';
import { maskSecretPair } from '../../shared/object-diff.js';
import { type KubeObjectLike, maskSecretValues, SecretRedactor } from '../../shared/redact.js';

/**
 * Masks every Secret in a multi-document manifest (rendered templates, a release's manifest),
 * leaving every other document exactly as helm printed it, then scrubs known Secret values.
 * With `previous` (the same Secret on the other side of a diff), a value the change replaces is
 * marked "changed", so a reviewer sees that a password changes without seeing either value.
 */
export function maskManifest(manifest: string, redactor: SecretRedactor, previous?: (secret: KubeObjectLike) => KubeObjectLike | undefined): string {
  const docs = parseAllDocuments(manifest);
  if (docs.some((d) => d.errors.length)) return redactor.redactText(manifest);
  let out = manifest;
  // Replace from the last document backwards so earlier offsets stay valid.
  for (const doc of [...docs].reverse()) {
    const value = doc.toJS() as KubeObjectLike | null;
    const range = doc.contents?.range;
    if (value?.kind !== 'Secret' || !range) continue;
    const maskedValue = previous ? maskSecretPair(previous(value), value)[1]! : maskSecretValues(value);
    const masked = stringify(maskedValue).trimEnd();
    out = `${out.slice(0, range[0])}${masked}\n${out.slice(range[1]).replace(/^\n/, '')}`;
  }
  return redactor.redactText(out);
}

/**
 * A redactor for values no cluster Secret holds yet — a chart's new Secrets, credentials in the
 * values a write supplies — layered over the cluster's own (the namespace's current Secrets).
 * Kept separate so the cluster redactor, cached and shared between calls, is never changed.
 */
export class LayeredRedactor extends SecretRedactor {
  constructor(private readonly cluster: SecretRedactor) {
    super();
  }

  override redactText(text: string): string {
    return this.cluster.redactText(super.redactText(text));
  }
}
