/**
 * Kubernetes objects from manifest text: YAML or JSON, multi-document, `kind: List` unwrapped.
 * Unlike the chat review (which skips what does not parse), a file that does not parse is a
 * UserError naming the file and line (exit code 2: bad input). Pure: the caller reads the file.
 */
import { parseAllDocuments } from 'yaml';
import { UserError } from '../../shared/errors.js';
import { unwrapObjects } from './manifest.js';

export interface FileObjects {
  objects: Record<string, unknown>[];
  /** Documents that were not Kubernetes objects (no kind), e.g. a values file in the directory. */
  skipped: number;
}

/** Exit code for bad input (unreadable files, invalid YAML, bad flags). */
export const EXIT_BAD_INPUT = 2;

export function parseManifestText(text: string, file: string): FileObjects {
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  const objects: Record<string, unknown>[] = [];
  let skipped = 0;
  for (const [i, doc] of list.entries()) {
    const error = doc.errors[0];
    if (error) {
      const line = error.linePos?.[0].line;
      throw new UserError(
        `${file}${line ? `:${line}` : ''}: invalid YAML in document ${i + 1}: ${error.message.split('\n')[0] ?? 'parse error'}`,
        'fix the YAML at that line (a tab, a bad indent or an unclosed quote is the usual cause) or leave the file out',
        EXIT_BAD_INPUT,
      );
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const found = unwrapObjects(value);
    if (found.length) objects.push(...found);
    else skipped++;
  }
  return { objects, skipped };
}
