import { parseAllDocuments, stringify } from 'yaml';

/** YAML as kubectl prints it: no line folding, no anchors. */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false }).trimEnd();
}

/** A document of a YAML stream that does not parse: which one (from 1), the line, the parser's first line. */
export interface YamlDocumentError {
  document: number;
  line?: number | undefined;
  message: string;
}

/**
 * Every document of a YAML (or JSON) stream: the values of those that parse — empty documents
 * (a trailing `---`) left out — and the errors of those that do not. Callers decide whether one
 * bad document spoils the rest.
 */
export function parseYamlDocuments(text: string): { values: unknown[]; errors: YamlDocumentError[] } {
  const docs = parseAllDocuments(text);
  const values: unknown[] = [];
  const errors: YamlDocumentError[] = [];
  for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
    const error = doc.errors[0];
    if (error) {
      errors.push({ document: i + 1, line: error.linePos?.[0].line, message: error.message.split('\n')[0]! });
      continue;
    }
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) values.push(value);
  }
  return { values, errors };
}
