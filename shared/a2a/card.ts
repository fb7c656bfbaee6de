import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { A2A_PROTOCOL_VERSION, AgentCard } from '@a2a-js/sdk';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { VERSION } from '../version.js';

/** The protocol version the SDK's v0.3 compat layer serves next to 1.0. */
export const LEGACY_PROTOCOL_VERSION = '0.3';
/** Where the bindings live under an agent's base URL. */
export const JSONRPC_PATH = '/a2a/jsonrpc';
export const REST_PATH = '/a2a/rest';
/** The name of the bearer scheme in `securitySchemes` / `securityRequirements`. */
export const BEARER_SCHEME = 'bearer';

/** `cards/` in the source tree, whether running from dist/ or from TypeScript sources. */
export const CARDS_DIR = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'cards')) && existsSync(join(dir, 'package.json'))) return join(dir, 'cards');
    dir = dirname(dir);
  }
  return join(process.cwd(), 'cards');
})();

const AGENT_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const mediaTypes = z.array(z.string().min(1, 'a media type such as text/plain')).min(1);

const skillSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" or "-"'),
    name: z.string().min(1),
    description: z.string().min(1),
    tags: z.array(z.string().min(1)).min(1, 'at least one tag: the router classifies requests by them'),
    examples: z.array(z.string().min(1)).default([]),
    inputModes: mediaTypes.optional(),
    outputModes: mediaTypes.optional(),
  })
  .strict();

/** Fields the runtime fills from config: a card file must not carry them. */
const RUNTIME_FIELDS = [
  'url',
  'supportedInterfaces',
  'additionalInterfaces',
  'preferredTransport',
  'protocolVersion',
  'securitySchemes',
  'securityRequirements',
  'security',
  'signatures',
];

/** What `cards/<agent>.json` holds: the agent's identity and skills, nothing deployment-specific. */
export const cardFileSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1),
    description: z.string().min(1),
    /** The agent's version; the package version when absent. */
    version: z.string().min(1).optional(),
    provider: z.object({ organization: z.string().min(1), url: z.url() }).strict().optional(),
    documentationUrl: z.url().optional(),
    iconUrl: z.url().optional(),
    capabilities: z
      .object({
        streaming: z.boolean().default(true),
        pushNotifications: z.literal(false, 'push notifications are not served by this runtime; leave it out or false').default(false),
        extendedAgentCard: z.literal(false, 'an extended card is not served by this runtime; leave it out or false').default(false),
      })
      .strict()
      .prefault({}),
    defaultInputModes: mediaTypes.default(['text/plain', 'application/json']),
    defaultOutputModes: mediaTypes.default(['text/plain', 'application/json']),
    skills: z
      .array(skillSchema)
      .min(1, 'at least one skill')
      .superRefine((skills, ctx) => {
        const seen = new Set<string>();
        skills.forEach((s, i) => {
          if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate skill id "${s.id}"` });
          seen.add(s.id);
        });
      }),
  })
  .strict();

/** A validated card file: the agent's identity and skills. */
export type AgentCardSpec = z.infer<typeof cardFileSchema>;

/** Validates card JSON (already parsed); `source` names the file in errors. */
export function parseCardSpec(raw: unknown, source: string): AgentCardSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UserError(`agent card ${source} must hold a JSON object`, 'write the card as { "name": …, "description": …, "skills": [ … ] }');
  }
  const runtime = RUNTIME_FIELDS.filter((f) => f in raw);
  if (runtime.length > 0) {
    throw new UserError(
      `agent card ${source}: ${runtime.join(', ')} ${runtime.length === 1 ? 'is' : 'are'} filled in by the runtime from config (a2a.host, a2a.ports, a2a.token)`,
      `remove ${runtime.join(', ')} from ${source}`,
    );
  }
  const parsed = cardFileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const unknown = issue.code === 'unrecognized_keys' ? issue.keys : [];
      const path = issue.path.map(String).join('.');
      if (unknown.length > 0) return `unknown field ${unknown.map((k) => (path ? `${path}.${k}` : k)).join(', ')}`;
      return `${path || '(root)'}: ${issue.message}`;
    });
    throw new UserError(`agent card ${source} is invalid: ${lines.join('; ')}`, `fix the named field in ${source}`);
  }
  return parsed.data;
}

/** Reads and validates `cards/<agent>.json` (or `<cardsDir>/<agent>.json`). */
export function loadCardSpec(agent: string, cardsDir: string = CARDS_DIR): AgentCardSpec {
  if (!AGENT_NAME.test(agent)) {
    throw new UserError(`"${agent}" is not an agent name`, 'use lower-case letters, digits and "-", starting with a letter');
  }
  const file = join(cardsDir, `${agent}.json`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`agent card ${file} cannot be read${code ? ` (${code})` : ''}`, `create ${file}: every agent needs its card`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UserError(`agent card ${file} is not valid JSON: ${(e as Error).message}`, `fix the JSON syntax in ${file}`);
  }
  return parseCardSpec(raw, file);
}

export interface CardDeployment {
  /** The agent's base URL, e.g. http://127.0.0.1:4101 (no trailing slash needed). */
  baseUrl: string;
  /** When set, the card declares the bearer scheme and requires it. */
  token?: string | undefined;
}

/**
 * The SDK's AgentCard for a spec at a base URL: JSON-RPC and HTTP+JSON interfaces for A2A 1.0
 * (preferred, listed first) and 0.3 (the SDK's compat layer needs them declared), the bearer
 * scheme when a token is configured. Serialize it with `AgentCard.toJSON` for the wire.
 */
export function buildAgentCard(spec: AgentCardSpec, deployment: CardDeployment): AgentCard {
  const base = deployment.baseUrl.replace(/\/+$/, '');
  const interfaces = [A2A_PROTOCOL_VERSION, LEGACY_PROTOCOL_VERSION].flatMap((protocolVersion) => [
    { url: `${base}${JSONRPC_PATH}`, protocolBinding: 'JSONRPC', protocolVersion },
    { url: `${base}${REST_PATH}`, protocolBinding: 'HTTP+JSON', protocolVersion },
  ]);
  const { $schema: _schema, ...fields } = spec;
  const json = {
    ...fields,
    version: spec.version ?? VERSION,
    supportedInterfaces: interfaces,
    ...(deployment.token
      ? {
          securitySchemes: {
            [BEARER_SCHEME]: {
              httpAuthSecurityScheme: {
                scheme: 'Bearer',
                description: 'Authorization: Bearer <token>: the a2a.token (K8S_EXPERTS_A2A_TOKEN) the agent was started with',
              },
            },
          },
          securityRequirements: [{ schemes: { [BEARER_SCHEME]: { list: [] } } }],
        }
      : {}),
  };
  return AgentCard.fromJSON(json);
}

/** The card in the spec's JSON wire shape (what `/.well-known/agent-card.json` serves to 1.0 clients). */
export function agentCardJson(card: AgentCard): Record<string, unknown> {
  return AgentCard.toJSON(card) as Record<string, unknown>;
}

/** Loads `cards/<agent>.json` and fills it for a deployment. */
export function loadAgentCard(agent: string, deployment: CardDeployment, cardsDir?: string): AgentCard {
  return buildAgentCard(loadCardSpec(agent, cardsDir), deployment);
}
