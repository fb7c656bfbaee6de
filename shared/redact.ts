/**
 * Secret-value redaction. Two layers, because neither alone is enough:
 *  - structural: Secret objects (and the last-applied annotation that copies them) get their
 *    values replaced before anything is rendered;
 *  - textual: every value a Secret holds is known to a SecretRedactor, which scrubs it
 *    (plain and base64) from any text that could echo it: logs, events, errors, YAML.
 */

export const MASK = '***';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * A Secret with every value replaced by the mask, keys kept (`data` folded into `stringData`), so
 * it can be shown, dry-run, judged and stored, and a value someone sent is never echoed nor sent
 * on; other kinds come back as they are. The real values are filled in only when it is created.
 */
export function withoutSecretValues<T extends Record<string, unknown>>(object: T): T {
  if (object.kind !== 'Secret') return object;
  const keysOf = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : []);
  const keys = [...keysOf(object.data), ...keysOf(object.stringData)];
  const { data: _data, stringData: _stringData, ...rest } = object;
  return { ...rest, stringData: Object.fromEntries(keys.map((k) => [k, MASK])) } as unknown as T;
}

/** The minimum shape of a Kubernetes object this module reads. */
export interface KubeObjectLike {
  kind?: string;
  metadata?: { annotations?: Record<string, string> | undefined; [key: string]: unknown };
  data?: Record<string, string> | undefined;
  stringData?: Record<string, string> | undefined;
  [key: string]: unknown;
}

function byteLength(value: string, base64: boolean): number {
  return base64 ? Buffer.from(value, 'base64').length : Buffer.byteLength(value, 'utf8');
}

/** Describes a value without revealing it, like `kubectl describe secret` ("12 bytes"). */
export function describeSecretValue(value: string, base64 = true): string {
  return `${MASK} (${byteLength(value, base64)} bytes)`;
}

function maskMap(values: Record<string, string> | undefined, base64: boolean): Record<string, string> | undefined {
  if (!values) return values;
  // Already-masked values stay as they are, so masking twice changes nothing.
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.startsWith(MASK) ? v : describeSecretValue(v, base64)]));
}

/**
 * A copy of a Secret with every value masked (keys and sizes kept), including values echoed in
 * the last-applied-configuration annotation. Objects of other kinds come back unchanged.
 */
export function maskSecretValues<T extends KubeObjectLike>(object: T): T {
  if (object.kind !== 'Secret') return object;
  const masked: T = { ...object };
  if (object.data) masked.data = maskMap(object.data, true);
  if (object.stringData) masked.stringData = maskMap(object.stringData, false);
  const annotations = object.metadata?.annotations;
  if (annotations?.[LAST_APPLIED] !== undefined) {
    masked.metadata = { ...object.metadata, annotations: { ...annotations, [LAST_APPLIED]: maskLastApplied(annotations[LAST_APPLIED]) } };
  }
  return masked;
}

function maskLastApplied(text: string): string {
  try {
    const parsed = JSON.parse(text) as KubeObjectLike;
    return JSON.stringify(maskSecretValues({ ...parsed, kind: 'Secret' }));
  } catch {
    return MASK;
  }
}

// Shapes of credentials worth scrubbing even when no Secret object told us the value.
const CREDENTIAL_PATTERNS: Array<[RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, `-----BEGIN PRIVATE KEY-----${MASK}-----END PRIVATE KEY-----`],
  [/\b(authorization:\s*(?:bearer|basic)\s+)[^\s"']+/gi, `$1${MASK}`],
  [/\b(bearer\s+)[A-Za-z0-9\-._~+/]{16,}=*/gi, `$1${MASK}`],
  // key=value / key: value where the key names a credential; booleans and numbers are settings, not secrets.
  [/\b([A-Za-z0-9_-]*?(?:password|passwd|secret|token|api[_-]?key)["']?\s*[=:]\s*["']?)(?!(?:true|false|null|yes|no|\d+)\b)[^\s"',;*]+/gi, `$1${MASK}`],
];

/** Scrubs credential-shaped substrings (private keys, bearer tokens, password=…) from text. */
export function maskCredentialPatterns(text: string): string {
  return CREDENTIAL_PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

const CREDENTIAL_KEY = /pass(word|wd)?$|secret|token|api[_-]?key|credential|private[_-]?key|auth/i;

/**
 * A copy of a plain settings object (Helm values, a config file) with the values of
 * credential-named keys (password, dbPassword, apiKey, token, …) masked, at any depth.
 */
export function maskCredentialKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => maskCredentialKeys(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, CREDENTIAL_KEY.test(k) && (typeof v === 'string' || typeof v === 'number') && String(v) !== '' ? MASK : maskCredentialKeys(v)]),
  ) as T;
}

/**
 * Values shorter than this are not scrubbed from free text: a Secret holding "shop" or "admin"
 * (a user name) would otherwise shred every mention of the word. They stay masked wherever the
 * Secret itself is shown.
 */
export const MIN_REDACTABLE_LENGTH = 6;
/** Larger values are blobs (Helm release records, bundles), not credentials to look for in text. */
export const MAX_REDACTABLE_LENGTH = 16_384;

/**
 * Remembers secret values and scrubs them from any text or structure. Each value is matched
 * as given and in its base64 form, so a value shown decoded or encoded is caught either way.
 */
export class SecretRedactor {
  private readonly needles = new Set<string>();
  private pattern: RegExp | undefined;

  /** Registers the values of a Secret (its `data` is base64, `stringData` plain). */
  addSecret(secret: KubeObjectLike): this {
    for (const v of Object.values(secret.data ?? {})) this.addValue(Buffer.from(v, 'base64').toString('utf8'));
    for (const v of Object.values(secret.stringData ?? {})) this.addValue(v);
    return this;
  }

  addValue(plain: string): this {
    if (plain.trim().length < MIN_REDACTABLE_LENGTH || plain.length > MAX_REDACTABLE_LENGTH) return this;
    for (const form of [plain, Buffer.from(plain, 'utf8').toString('base64')]) {
      if (!this.needles.has(form)) {
        this.needles.add(form);
        this.pattern = undefined;
      }
    }
    // Multi-line values (certificates, keys) are often printed line by line.
    for (const line of plain.split(/\r?\n/)) {
      if (line !== plain && line.trim().length >= 8) this.addValue(line.trim());
    }
    return this;
  }

  get size(): number {
    return this.needles.size;
  }

  redactText(text: string): string {
    let out = maskCredentialPatterns(text);
    if (this.needles.size === 0) return out;
    this.pattern ??= new RegExp(
      [...this.needles]
        .sort((a, b) => b.length - a.length)
        .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|'),
      'g',
    );
    out = out.replace(this.pattern, MASK);
    return out;
  }

  /** A deep copy with Secrets masked and every string scrubbed. */
  redactDeep<T>(value: T): T {
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.redactText(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value !== null && typeof value === 'object') {
      const source = 'kind' in value && (value as KubeObjectLike).kind === 'Secret' ? maskSecretValues(value as KubeObjectLike) : value;
      return Object.fromEntries(Object.entries(source).map(([k, v]) => [k, this.walk(v)]));
    }
    return value;
  }
}
