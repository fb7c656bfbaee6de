/**
 * Kubernetes objects from manifest text: YAML or JSON, multi-document, `kind: List` unwrapped.
 * Unlike the chat review (which skips what does not parse), a file that does not parse is a
 * UserError naming the file and line (exit code 2: bad input). Pure: the caller reads the file.
 */
import { UserError } from '../../shared/errors.js';
import { parseYamlDocuments } from '../../shared/yaml.js';
import { unwrapObjects } from './manifest.js';

export interface FileObjects {
  objects: Record<string, unknown>[];
  /** Documents that were not Kubernetes objects (no kind), e.g. a values file in the directory. */
  skipped: number;
}

/** Exit code for bad input (unreadable files, invalid YAML, bad flags). */
export const EXIT_BAD_INPUT = 2;

export function parseManifestText(text: string, file: string): FileObjects {
  const { values, errors } = parseYamlDocuments(text);
  const error = errors[0];
  if (error) {
    throw new UserError(
      `${file}${error.line ? `:${error.line}` : ''}: invalid YAML in document ${error.document}: ${error.message}`,
      'fix the YAML at that line (a tab, a bad indent or an unclosed quote is the usual cause) or leave the file out',
      EXIT_BAD_INPUT,
    );
  }
  const objects: Record<string, unknown>[] = [];
  let skipped = 0;
  for (const value of values) {
    const found = unwrapObjects(value);
    if (found.length) objects.push(...found);
    else skipped++;
  }
  return { objects, skipped };
}
