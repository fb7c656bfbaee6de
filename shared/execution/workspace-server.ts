/**
 * The workspace writer: an in-process MCP server with one write tool, `workspace_write_files`,
 * so that files the crew writes for a person (a chart dev generated) take the same path as every
 * other change — a dry run that says what would be created or overwritten, the guardian, a
 * person's approval, then the write. Nothing is ever written outside the workspace directory:
 * no absolute paths, no `..`, no symlink that leads out.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { fileSet, relativePath } from '../file-set.js';
import { changeOutput, type ChangeReport, type ObjectChange } from '../mcp/change.js';
import { runTool, toolResult } from '../mcp/result.js';
import { textDiff } from '../object-diff.js';
import { UserError } from '../errors.js';

export const writeFilesInput = {
  directory: relativePath.describe('the directory inside the workspace, e.g. "charts/shop"'),
  files: fileSet.describe('file path (relative to the directory) → content'),
  overwrite: z.boolean().default(false).describe('replace files that exist with other content (their old content is not kept)'),
  dryRun: z.boolean().default(true).describe('true: only say what would be written'),
};

type FileAction = 'created' | 'overwritten' | 'unchanged';

/** Where `path` lands inside `root`, refusing anything that leads out of it (also through symlinks). */
export function insideWorkspace(root: string, path: string): string {
  const target = resolve(root, path);
  const rel = relative(root, target);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new UserError(`${path} is outside the workspace ${root}`, 'give a path relative to the workspace directory');
  // The deepest part that exists must resolve inside the root's real path: a symlink may not lead out.
  let existing = target;
  while (!existsSync(existing) && existing !== root) existing = dirname(existing);
  if (existsSync(existing)) {
    const realRoot = existsSync(root) ? realpathSync(root) : root;
    const real = realpathSync(existing);
    if (real !== realRoot && !real.startsWith(realRoot + sep)) throw new UserError(`${path} leads out of the workspace through a symbolic link`, 'remove the link or choose another directory');
  }
  return target;
}

function planFile(path: string, content: string, overwrite: boolean): FileAction {
  if (!existsSync(path)) return 'created';
  if (!lstatSync(path).isFile()) throw new UserError(`${path} exists and is not a regular file`, 'choose another directory');
  if (readFileSync(path, 'utf8') === content) return 'unchanged';
  if (!overwrite) throw new UserError(`${path} exists with other content`, 'choose another directory, or ask to overwrite it');
  return 'overwritten';
}

/** What writing `files` under `directory` does (or would do), kubectl-style. */
export function writeFiles(root: string, args: { directory: string; files: Record<string, string>; overwrite: boolean; dryRun: boolean }): ChangeReport {
  const dir = insideWorkspace(root, args.directory);
  const planned = Object.entries(args.files)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, content]) => {
      const path = insideWorkspace(root, join(args.directory, name));
      return { name: join(args.directory, name), path, content, action: planFile(path, content, args.overwrite) };
    });
  const dirIsNew = !existsSync(dir);
  if (!args.dryRun) {
    for (const file of planned.filter((f) => f.action !== 'unchanged')) {
      mkdirSync(dirname(file.path), { recursive: true });
      // Whole or nothing per file: a crash never leaves half a template behind.
      const temp = `${file.path}.k8s-experts-${process.pid}.tmp`;
      writeFileSync(temp, file.content, { mode: 0o644 });
      renameSync(temp, file.path);
    }
  }
  const changes: ObjectChange[] = planned.map((f) => ({ kind: 'File', apiVersion: 'v1', name: f.name, namespace: null, action: f.action }));
  const count = (a: FileAction) => planned.filter((f) => f.action === a).length;
  const touched = count('created') + count('overwritten');
  const verb = args.dryRun ? 'would write' : 'wrote';
  const summary = `${verb} ${touched} file${touched === 1 ? '' : 's'} in ${join(root, args.directory)} (${count('created')} new, ${count('overwritten')} overwritten, ${count('unchanged')} unchanged).`;
  const diff = planned
    .filter((f) => f.action === 'overwritten')
    .map((f) => textDiff(f.name, args.dryRun ? readFileSync(f.path, 'utf8') : '', f.content))
    .join('\n');
  const reversible = count('overwritten') === 0;
  return {
    dryRun: args.dryRun,
    summary,
    changes,
    diff,
    blastRadius: { objects: touched, namespaces: [], replicasLost: 0, podsEvicted: 0 },
    reversibility: reversible
      ? { reversible: true, undo: dirIsNew ? `rm -r ${dir}` : `rm ${planned.filter((f) => f.action === 'created').map((f) => f.path).join(' ')}` }
      : { reversible: false, undo: 'the overwritten files\' old content is not kept' },
  };
}

/** The server: `workspace_write_files` on the directory `root` (created when first written to). */
export function createWorkspaceServer(root: string, version: string): McpServer {
  const server = new McpServer({ name: 'k8s-experts-workspace', version });
  server.registerTool(
    'workspace_write_files',
    {
      title: 'Write files to the workspace',
      description: `Write files (a generated chart, manifests) into a directory of the workspace ${root}. dryRun: true (the default) says which files would be created, overwritten or left unchanged, with a diff of what is overwritten. Files that exist with other content are refused unless overwrite is true.`,
      inputSchema: writeFilesInput,
      outputSchema: changeOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (args) =>
      runTool(async () => {
        const report = writeFiles(root, args);
        return toolResult(report.summary, { ...report });
      }),
  );
  return server;
}
