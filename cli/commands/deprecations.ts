import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { LineCounter, parseAllDocuments } from 'yaml';
import { type ManifestDocument, type ManifestFinding, findDeprecatedApis } from '../../agents/admin/deprecations.js';
import { DEPRECATION_GUIDE, targetMinor } from '../../agents/admin/deprecations-catalog.js';
import { renderTable } from '../../shared/table.js';
import { badInput, manifestFiles, readManifestText } from '../manifest-files.js';

/** The next minor after the demo cluster's v1.34. */
export const DEFAULT_TARGET = 'v1.35';
/** A file's documents with the line each starts on; a document that does not parse is bad input. */
export function readManifestDocuments(file: string): ManifestDocument[] {
  const text = readManifestText(file);
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines });
  const out: ManifestDocument[] = [];
  for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
    const error = doc.errors[0];
    if (error) throw badInput(`${file}: document ${i + 1}${error.linePos ? ` (line ${error.linePos[0].line})` : ''} is not valid YAML: ${error.message.split('\n')[0]}`, 'fix the YAML (or leave the file out)');
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    // The line of the document's content, not of its `---`.
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    out.push({ file, document: i + 1, line: lines.linePos(start).line, value });
  }
  return out;
}

export interface DeprecationsResult {
  target: string;
  files: string[];
  documents: number;
  findings: ManifestFinding[];
  removed: number;
  deprecated: number;
  source: string;
}

export function runDeprecations(paths: string[], target: string): DeprecationsResult {
  if (!paths.length) throw badInput('nothing to check', 'pass manifest files or directories');
  const minor = targetMinor(target);
  if (minor === undefined) throw badInput(`--target "${target}" is not a Kubernetes version`, 'use a version such as v1.36');
  const files = paths.flatMap((p) => {
    const found = manifestFiles(resolve(p));
    if (!found.length) throw badInput(`${resolve(p)} has no .yaml, .yml or .json files`, 'pass a directory of manifests, or the files themselves');
    return found;
  });
  const documents = files.flatMap(readManifestDocuments);
  const findings = findDeprecatedApis(documents, minor);
  const removed = findings.filter((f) => f.status === 'removed').length;
  return { target: `v1.${minor}`, files, documents: documents.length, findings, removed, deprecated: findings.length - removed, source: DEPRECATION_GUIDE };
}

/** A path as a person gave it: relative to the working directory when inside it. */
const shown = (file: string) => {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
};

export function renderDeprecations(r: DeprecationsResult): string {
  const head = `${r.documents} document(s) in ${r.files.length} file(s) checked for ${r.target}: ${r.removed} removed, ${r.deprecated} deprecated (${r.source}).`;
  if (!r.findings.length) return head;
  const table = renderTable(
    ['File', 'Line', 'Kind', 'Name', 'Apiversion', 'Status', 'Removed In', 'Use'],
    r.findings.map((f) => [shown(f.file), f.line ?? `doc ${f.document}`, f.kind, f.namespace ? `${f.namespace}/${f.name}` : f.name, f.apiVersion, f.status, f.removedIn ?? 'not planned', f.replacement ?? 'none (see note)']),
  );
  const fixes = r.findings.flatMap((f) => [
    ...(f.note ? [`${shown(f.file)}:${f.line ?? f.document} ${f.kind} ${f.name}: ${f.note}`] : []),
    ...(f.fixed ? [`--- fixed ${f.kind} ${f.name} (${shown(f.file)}:${f.line ?? f.document})`, f.fixed] : []),
  ]);
  return [head, table, ...(fixes.length ? ['', ...fixes] : [])].join('\n');
}

/** `k8s-experts deprecations`: deprecated and removed apiVersions in manifests, for people and CI. */
export function registerDeprecationsCommand(program: Command): void {
  program
    .command('deprecations')
    .description('find deprecated and removed Kubernetes apiVersions in manifests (files or directories), with the replacement and a fixed snippet where the move is mechanical; exit 1 when something the target no longer serves is found')
    .argument('[paths...]', 'manifest files or directories')
    .option('--target <version>', 'the Kubernetes version to check against', DEFAULT_TARGET)
    .option('--json', 'print the findings as JSON')
    .action((paths: string[], opts: { target: string; json?: boolean }) => {
      const result = runDeprecations(paths, opts.target);
      console.log(opts.json ? JSON.stringify(result, null, 2) : renderDeprecations(result));
      if (result.removed > 0) process.exitCode = 1;
    });
}
