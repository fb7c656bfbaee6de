/**
 * The security agent's settings, read from the crew config with zod: `security.allowedRegistries`
 * (registries images may come from; empty turns the image-registry check off). Read from the
 * config as untyped data so the agent works before and after shared/config.ts declares the section;
 * a malformed value is a clear user error, never a silently open allow-list.
 */
import { z } from 'zod';
import { UserError } from '../../shared/errors.js';

const registry = z
  .string()
  .trim()
  .min(1)
  .regex(/^[a-z0-9.-]+(:\d+)?$/i, 'expected a registry host, e.g. ghcr.io or registry.example.com:5000')
  .transform((r) => r.toLowerCase());

const SecuritySettings = z.object({
  security: z.object({ allowedRegistries: z.array(registry).default([]) }).loose().prefault({}),
}).loose();

export interface SecurityAgentSettings {
  allowedRegistries: string[];
}

export function securitySettings(config: unknown): SecurityAgentSettings {
  const parsed = SecuritySettings.safeParse(config ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(
      `invalid configuration: setting ${issue?.path.map(String).join('.') ?? 'security'}: ${issue?.message ?? 'not understood'}`,
      'set security.allowedRegistries to a list of registry hosts, e.g. [ghcr.io, registry.example.com:5000]',
    );
  }
  return { allowedRegistries: [...new Set(parsed.data.security.allowedRegistries)] };
}
