import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { UserError } from './errors.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/**
 * What the crew may do to a cluster: `read-only` reads and answers; `propose` plans, dry-runs on
 * the server and records proposals, never applies; `execute` applies what the guardian allows
 * (and a person approves where the policy says so). A request can only lower it.
 */
export const EXECUTION_MODES = ['read-only', 'propose', 'execute'] as const;
export type ExecutionMode = (typeof EXECUTION_MODES)[number];

/** The lower of two modes: what a request that asks for `requested` gets under `deployment`. */
export function lowerMode(deployment: ExecutionMode, requested: ExecutionMode | undefined): ExecutionMode {
  if (!requested) return deployment;
  return EXECUTION_MODES.indexOf(requested) < EXECUTION_MODES.indexOf(deployment) ? requested : deployment;
}

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });

export const configSchema = z
  .object({
    kubernetes: z
      .object({
        /** Path to a kubeconfig file; when unset: $KUBECONFIG, ~/.kube/config, then in-cluster. */
        kubeconfig: z.string().min(1).optional(),
        /** Context to use instead of the kubeconfig's current-context. */
        context: z.string().min(1).optional(),
        /** How long to wait for the API server to answer, in milliseconds. */
        timeoutMs: z.number().int().min(100).max(300_000).default(10_000),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z.enum(LOG_LEVELS).default('info'),
        /** Also append JSON log lines to this file (the seeds' `agent.log`). */
        file: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    prometheus: z
      .object({
        url: httpUrl.optional(),
        /** Sent as `Authorization: Bearer …`. */
        bearerToken: z.string().min(1).optional(),
        basicAuth: z.object({ username: z.string().min(1), password: z.string().min(1) }).strict().optional(),
        timeoutMs: z.number().int().min(100).max(300_000).default(15_000),
      })
      .strict()
      .prefault({}),
    helm: z
      .object({
        /** The helm binary; default `helm` on PATH, else the one built for the demo cluster. */
        binary: z.string().min(1).optional(),
        timeoutMs: z.number().int().min(1000).max(1_800_000).default(120_000),
      })
      .strict()
      .prefault({}),
    mcp: z
      .object({
        /** Address the HTTP transports bind to; loopback unless you mean otherwise. */
        host: z.string().min(1).default('127.0.0.1'),
        /** Extra Host header values accepted besides the bind address (DNS-rebinding guard). */
        allowedHosts: z.array(z.string().min(1)).default([]),
        /** Bearer token the HTTP transports require when set. */
        token: z.string().min(16, 'use at least 16 characters').optional(),
        ports: z
          .object({
            kubernetes: z.number().int().min(0).max(65535).default(4201),
            helm: z.number().int().min(0).max(65535).default(4202),
            prometheus: z.number().int().min(0).max(65535).default(4203),
            /** The crew bridge (`k8s-experts mcp crew --http`). */
            crew: z.number().int().min(0).max(65535).default(4204),
          })
          .strict()
          .prefault({}),
        /**
         * Register write tools on the MCP servers. Off by default. They apply only in execution mode
         * `execute` (in `propose` they dry-run); set alone, it means mode `execute` (the older switch).
         */
        allowWrites: z.boolean().default(false),
        /**
         * Ask the client (MCP elicitation) before a destructive write runs; a client that cannot be
         * asked is refused. Turn off only where another layer already approves every write.
         */
        confirmDestructive: z.boolean().default(true),
        /** When set, only these tools exist. */
        allowTools: z.array(z.string().min(1)).optional(),
        denyTools: z.array(z.string().min(1)).default([]),
        /** Kinds no tool may read or touch (plural, singular or Kind, e.g. secrets). */
        deniedKinds: z.array(z.string().min(1)).default([]),
        /** Namespaces no write tool may touch. */
        protectedNamespaces: z.array(z.string().min(1)).default(['kube-system', 'kube-public', 'kube-node-lease']),
      })
      .strict()
      .prefault({}),
    a2a: z
      .object({
        /** Address the agents' A2A servers and the /query endpoint bind to; loopback unless you mean otherwise. */
        host: z.string().min(1).default('127.0.0.1'),
        /** Bearer token every A2A endpoint requires when set (declared in the agent cards). */
        token: z.string().min(16, 'use at least 16 characters').optional(),
        /** Extra Host header values accepted besides the bind address (DNS-rebinding guard). */
        allowedHosts: z.array(z.string().min(1)).default([]),
        /** 0 = any free port (a second crew, tests). */
        ports: z
          .object({
            router: z.number().int().min(0).max(65535).default(4100),
            ops: z.number().int().min(0).max(65535).default(4101),
            observability: z.number().int().min(0).max(65535).default(4102),
            security: z.number().int().min(0).max(65535).default(4103),
            dev: z.number().int().min(0).max(65535).default(4104),
            admin: z.number().int().min(0).max(65535).default(4105),
            guardian: z.number().int().min(0).max(65535).default(4106),
            query: z.number().int().min(0).max(65535).default(8000),
          })
          .strict()
          .prefault({}),
        /** Peers the router reads cards from (base URLs); the local crew when empty. */
        peers: z.array(httpUrl).default([]),
        /** Tasks, approvals and audit in PostgreSQL instead of the SQLite file under dataDir. */
        databaseUrl: z.url({ protocol: /^postgres(ql)?$/, error: 'expected a postgres:// or postgresql:// URL' }).optional(),
        /** How long the router waits for a peer before answering with what it has. */
        peerTimeoutMs: z.number().int().min(100).max(600_000).default(60_000),
      })
      .strict()
      .prefault({}),
    llm: z
      .object({
        /** none: the embedded engine only (no model). openai: any OpenAI-compatible endpoint. ollama: an Ollama server. */
        provider: z.enum(['none', 'openai', 'ollama']).default('none'),
        model: z.string().min(1).optional(),
        /** The endpoint: https://api.openai.com/v1, http://127.0.0.1:11434, a local llama.cpp server… */
        baseUrl: httpUrl.optional(),
        apiKey: z.string().min(1).optional(),
        /** One model call may take this long before it is retried or given up. */
        timeoutMs: z.number().int().min(100).max(600_000).default(60_000),
        /** Retries of a failed model call (time-out, 429, 5xx), with exponential back-off. */
        retries: z.number().int().min(0).max(10).default(2),
        /** Tool-calling rounds before the engine stops and answers with what it has. */
        maxSteps: z.number().int().min(1).max(50).default(8),
        /** A tool result is cut to this many characters before it reaches the model. */
        maxToolResultChars: z.number().int().min(500).max(200_000).default(12_000),
      })
      .strict()
      .prefault({}),
    execution: z
      .object({
        /** read-only (default), propose or execute; when unset: execute if mcp.allowWrites, else read-only. */
        mode: z.enum(EXECUTION_MODES).optional(),
        /** A proposal waiting for a person's approval expires after this long. */
        approvalTimeoutSeconds: z.number().int().min(10).max(7 * 86_400).default(900),
        /** Where approved file writes go (charts dev generated); nothing is written outside it. */
        workspaceDir: z.string().min(1).default('workspace'),
      })
      .strict()
      .prefault({}),
    guardian: z
      .object({
        /** The guardian's policy (YAML), re-read when it changes; the built-in safe default when unset. */
        policyFile: z.string().min(1).optional(),
        /** The namespace the crew runs in: protected like kube-system (nothing may change the crew itself). */
        crewNamespace: z
          .string()
          .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a namespace name (lower-case letters, digits, "-")')
          .max(63)
          .default('k8s-experts'),
      })
      .strict()
      .prefault({}),
    watch: z
      .object({
        /** Run the analyzers and the anomaly check periodically in the crew, logging new and resolved findings. */
        enabled: z.boolean().default(false),
        /** Seconds between rounds; each round reads a snapshot per namespace, so not too often. */
        intervalSeconds: z.number().int().min(30).max(86_400).default(300),
        /** Namespaces to watch; empty for the whole cluster. */
        namespaces: z
          .array(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a namespace name (lower-case letters, digits, "-")').max(63))
          .default([]),
      })
      .strict()
      .prefault({}),
    security: z
      .object({
        /** Registries images may come from (ghcr.io, registry.example.com:5000); empty turns the image-registry check off. */
        allowedRegistries: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .prefault({}),
    /** Durable state (tasks, approvals, audit) lives here. */
    dataDir: z.string().min(1).default(join(homedir(), '.local', 'state', 'k8s-experts')),
  })
  .strict()
  .transform((c) => ({ ...c, execution: { ...c.execution, mode: c.execution.mode ?? (c.mcp.allowWrites ? 'execute' : 'read-only') } as const }));

export type Config = z.output<typeof configSchema>;

/** Environment variables and the setting each one feeds. */
export const ENV_SETTINGS = {
  K8S_EXPERTS_KUBECONFIG: 'kubernetes.kubeconfig',
  K8S_EXPERTS_CONTEXT: 'kubernetes.context',
  K8S_EXPERTS_KUBE_TIMEOUT_MS: 'kubernetes.timeoutMs',
  K8S_EXPERTS_LOG_LEVEL: 'log.level',
  K8S_EXPERTS_LOG_FILE: 'log.file',
  K8S_EXPERTS_PROMETHEUS_URL: 'prometheus.url',
  K8S_EXPERTS_PROMETHEUS_TOKEN: 'prometheus.bearerToken',
  K8S_EXPERTS_HELM: 'helm.binary',
  K8S_EXPERTS_DATA_DIR: 'dataDir',
  K8S_EXPERTS_MCP_HOST: 'mcp.host',
  K8S_EXPERTS_MCP_ALLOWED_HOSTS: 'mcp.allowedHosts',
  K8S_EXPERTS_MCP_TOKEN: 'mcp.token',
  K8S_EXPERTS_ALLOW_WRITES: 'mcp.allowWrites',
  K8S_EXPERTS_MCP_CONFIRM_DESTRUCTIVE: 'mcp.confirmDestructive',
  K8S_EXPERTS_MCP_ALLOW_TOOLS: 'mcp.allowTools',
  K8S_EXPERTS_MCP_DENY_TOOLS: 'mcp.denyTools',
  K8S_EXPERTS_MCP_DENIED_KINDS: 'mcp.deniedKinds',
  K8S_EXPERTS_MCP_PROTECTED_NAMESPACES: 'mcp.protectedNamespaces',
  K8S_EXPERTS_A2A_HOST: 'a2a.host',
  K8S_EXPERTS_A2A_TOKEN: 'a2a.token',
  K8S_EXPERTS_A2A_ALLOWED_HOSTS: 'a2a.allowedHosts',
  K8S_EXPERTS_A2A_PEERS: 'a2a.peers',
  DATABASE_URL: 'a2a.databaseUrl',
  K8S_EXPERTS_LLM_PROVIDER: 'llm.provider',
  K8S_EXPERTS_LLM_MODEL: 'llm.model',
  K8S_EXPERTS_LLM_BASE_URL: 'llm.baseUrl',
  K8S_EXPERTS_LLM_API_KEY: 'llm.apiKey',
  K8S_EXPERTS_LLM_TIMEOUT_MS: 'llm.timeoutMs',
  K8S_EXPERTS_EXECUTION_MODE: 'execution.mode',
  K8S_EXPERTS_APPROVAL_TIMEOUT_SECONDS: 'execution.approvalTimeoutSeconds',
  K8S_EXPERTS_WORKSPACE_DIR: 'execution.workspaceDir',
  K8S_EXPERTS_POLICY_FILE: 'guardian.policyFile',
  K8S_EXPERTS_CREW_NAMESPACE: 'guardian.crewNamespace',
  K8S_EXPERTS_WATCH: 'watch.enabled',
  K8S_EXPERTS_WATCH_INTERVAL_SECONDS: 'watch.intervalSeconds',
  K8S_EXPERTS_SECURITY_ALLOWED_REGISTRIES: 'security.allowedRegistries',
} as const;

const NUMERIC_SETTINGS = new Set<string>(['kubernetes.timeoutMs', 'llm.timeoutMs', 'execution.approvalTimeoutSeconds', 'watch.intervalSeconds']);
const BOOLEAN_SETTINGS = new Set<string>(['mcp.allowWrites', 'mcp.confirmDestructive', 'watch.enabled']);
/** Comma-separated in the environment. */
const LIST_SETTINGS = new Set<string>(['mcp.allowedHosts', 'mcp.allowTools', 'mcp.denyTools', 'mcp.deniedKinds', 'mcp.protectedNamespaces', 'a2a.peers', 'a2a.allowedHosts', 'security.allowedRegistries']);

function envValue(setting: string, value: string): unknown {
  if (NUMERIC_SETTINGS.has(setting) && /^-?\d+$/.test(value)) return Number(value);
  if (BOOLEAN_SETTINGS.has(setting) && /^(true|false|1|0)$/i.test(value)) return /^(true|1)$/i.test(value);
  if (LIST_SETTINGS.has(setting)) return value.split(',').map((v) => v.trim()).filter(Boolean);
  return value;
}

export interface LoadConfigOptions {
  /** Config file path; defaults to $K8S_EXPERTS_CONFIG, then ./k8s-experts.yaml when present. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

type Source = { kind: 'file'; path: string } | { kind: 'env'; name: string };

/** Loads the config from an optional YAML/JSON file overlaid by environment variables. */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const raw: Record<string, unknown> = {};
  const sources = new Map<string, Source>();

  const file = resolveConfigFile(options.file ?? env.K8S_EXPERTS_CONFIG, cwd);
  if (file) {
    const fromFile = readConfigFile(file);
    Object.assign(raw, fromFile);
    for (const path of leafPaths(fromFile)) sources.set(path, { kind: 'file', path: file });
  }

  for (const [name, setting] of Object.entries(ENV_SETTINGS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(raw, setting, envValue(setting, value));
    sources.set(setting, { kind: 'env', name });
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw configError(parsed.error, sources, file);
  return expandPaths(parsed.data, cwd);
}

function resolveConfigFile(explicit: string | undefined, cwd: string): string | undefined {
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) {
      throw new UserError(
        `config file ${path} does not exist`,
        'create it, or unset K8S_EXPERTS_CONFIG / drop --config to run on defaults',
      );
    }
    return path;
  }
  const local = join(cwd, 'k8s-experts.yaml');
  return existsSync(local) ? local : undefined;
}

function readConfigFile(path: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(path, 'utf8'), { prettyErrors: true });
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` at line ${e.linePos[0].line}` : '';
    const detail = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new UserError(`config file ${path} is not valid YAML${where}: ${detail}`, 'fix the syntax in that file (YAML or JSON)');
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new UserError(
      `config file ${path} must hold a mapping of settings, not ${Array.isArray(data) ? 'a list' : typeof data}`,
      'write settings as keys, e.g. "log:\\n  level: debug"',
    );
  }
  return data as Record<string, unknown>;
}

function configError(error: z.ZodError, sources: Map<string, Source>, file: string | undefined): UserError {
  const lines = error.issues.map((issue) => {
    const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const path = [...issue.path, ...unknownKeys.slice(0, 1)].map(String).join('.');
    const source = sources.get(path) ?? (file ? ({ kind: 'file', path: file } as const) : undefined);
    const from = source ? (source.kind === 'env' ? ` (from env ${source.name})` : ` (in ${source.path})`) : '';
    if (unknownKeys.length > 0) {
      return `unknown setting ${unknownKeys.map((k) => [...issue.path, k].join('.')).join(', ')}${from}`;
    }
    return `setting ${path || '(root)'}${from}: ${issue.message}`;
  });
  const envNames = Object.entries(ENV_SETTINGS)
    .map(([name, setting]) => `${setting} ← ${name}`)
    .join(', ');
  return new UserError(
    `invalid configuration: ${lines.join('; ')}`,
    `correct the named setting; known settings and their env vars: ${envNames}`,
  );
}

function expandPaths(config: Config, cwd: string): Config {
  const abs = (p: string) => (p.startsWith('~/') ? join(homedir(), p.slice(2)) : isAbsolute(p) ? p : resolve(cwd, p));
  return {
    ...config,
    dataDir: abs(config.dataDir),
    kubernetes: { ...config.kubernetes, ...(config.kubernetes.kubeconfig ? { kubeconfig: abs(config.kubernetes.kubeconfig) } : {}) },
    log: { ...config.log, ...(config.log.file ? { file: abs(config.log.file) } : {}) },
    execution: { ...config.execution, workspaceDir: abs(config.execution.workspaceDir) },
    guardian: { ...config.guardian, ...(config.guardian.policyFile ? { policyFile: abs(config.guardian.policyFile) } : {}) },
  };
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

function leafPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return prefix ? [prefix] : [];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}
