/**
 * A set of files by path (relative path → content) as a tool takes it: the workspace writer's
 * files and a chart sent to the helm server. Paths are plain names joined by "/", so none can
 * reach outside the directory they are written under.
 */
import { z } from 'zod';

/** A relative path of plain segments: letters, digits, `._-`, no `..`, no leading `/`. */
export const relativePath = z
  .string()
  .min(1)
  .max(400)
  .regex(/^(?!\/)[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'expected a relative path of plain names (letters, digits, ".", "_", "-") separated by "/"')
  .refine((p) => !p.split('/').some((s) => s === '..' || s === '.'), 'a path may not contain "." or ".." segments');

/** 1 to 500 files of at most 1 MB each, every name a relativePath. */
export const fileSet = z
  .record(z.string(), z.string().max(1_000_000, 'a file may hold at most 1 MB'))
  .refine((f) => Object.keys(f).length > 0 && Object.keys(f).length <= 500, 'expected 1 to 500 files')
  // Each name checked here (not as the record's key type) so the error names the file and the rule.
  .superRefine((files, ctx) => {
    for (const name of Object.keys(files)) {
      const checked = relativePath.safeParse(name);
      if (!checked.success) ctx.addIssue({ code: 'custom', path: [name], message: `file "${name}": ${checked.error.issues[0]!.message}` });
    }
  });
