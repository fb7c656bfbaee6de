/**
 * Secret values a person writes into a request ("Create a secret in namespace dev with value x",
 * "password=y", `--from-literal=k=v`, a Secret manifest's data) and the means to mask them
 * wherever the request is kept or echoed: A2A task history, answers, logs. Values are found only
 * to be masked; nothing here keeps them.
 *
 * How far a value is masked depends on its length. A value of MIN_FREE_TEXT_LENGTH characters or
 * more is masked wherever it occurs (an answer may repeat it anywhere, in any sentence). A shorter
 * one ("value x") is masked only where it stands in a phrase that names it — "value x" becomes
 * "value ***", "KEY=x" "KEY=***", "password: x" "password: ***" — because masking every "x" of a
 * long text would shred it and still say nothing the phrase did not.
 */
import { parseAllDocuments } from 'yaml';
import { MASK, MIN_REDACTABLE_LENGTH } from './redact.js';
import { isRecord } from './records.js';

/** One value a request gives, and the key it is for ("value", "password", the KEY of KEY=value). */
export interface SecretLiteral {
  key: string;
  value: string;
}

/** Shorter values are masked only in the phrase that names them (see the module comment). */
export const MIN_FREE_TEXT_LENGTH = 3;

/** How much of one text is searched: a request, a manifest, a message; not a log dump. */
const MAX_SCANNED = 100_000;

const SECRET_WORDS = /\bsecrets?\b|\bpassword\b|\btoken\b/i;

/** KEY=value pairs that set something other than a secret's data in a request. */
const SETTING_KEYS = /^(replicas|namespace|name|image|port)$/i;

/**
 * "value x", "password is y", "token: z", "key of w"; the word after it must not be another
 * filler word, so "a token value abc" yields abc, not "value". Spaces and tabs only: a value
 * never spans lines.
 */
const PHRASE = /\b(value|password|token|key)(?:[ \t]*[:=][ \t]*|[ \t]+(?:(?:of|is)[ \t]+)?)(?!(?:value|password|token|key|of|is|the|a|an|and|or|for|with|in|to|named|called)\b)("[^"\n]{0,4096}"|'[^'\n]{0,4096}'|`[^`\n]{0,4096}`|[^\s"'`]+)/gi;

/** kubectl's literal flag, in one argument or two: `--from-literal=k=v`, `--from-literal k=v`. */
const FROM_LITERAL = /--from-literal(?:=|[ \t]+)["']?([^=\s"']+)=("[^"\n]*"|'[^'\n]*'|[^\s"']+)/g;

const SECRET_KIND = /["']?\bkind["']?[ \t]*:[ \t]*["']?Secret\b/;

const unquote = (s: string) => s.replace(/^(["'`])([\s\S]*)\1$/, '$2');

/** Sentence punctuation after an unquoted value ("with value x.") is not part of it. */
const trimSentence = (s: string) => s.replace(/["'`.,;:!?]+$/, '');

/** Empty, or already masked ("***"): nothing to hide. */
const isHideable = (value: string) => value.trim() !== '' && !/^\*+$/.test(value);

const scanned = (input: unknown) => (typeof input === 'string' ? input.slice(0, MAX_SCANNED) : '');

/** KEY=value pairs ("LOG_LEVEL=debug", 'MSG="hello world"'). */
export function keyValues(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const m of text.matchAll(/(?<![\w-])([A-Za-z_][\w.-]{0,252})=("[^"]*"|'[^']*'|[^\s,;]+)/g)) {
    out.push([m[1]!, m[2]!.replace(/^["']|["']$/g, '')]);
  }
  return out;
}

/** Whether a text speaks of a secret, a password or a token (the words that make a value secret). */
export function mentionsSecret(text: string): boolean {
  return SECRET_WORDS.test(scanned(text));
}

function dedupe(literals: SecretLiteral[]): SecretLiteral[] {
  const seen = new Map<string, SecretLiteral>();
  for (const l of literals) if (isHideable(l.value)) seen.set(`${l.key.toLowerCase()}\u0000${l.value}`, l);
  return [...seen.values()];
}

/** Base64 data of a Secret: the encoded string, and the plain value when it decodes to text. */
function decodedForms(key: string, encoded: string): SecretLiteral[] {
  const out = [{ key, value: encoded }];
  const compact = encoded.replace(/\s+/g, '');
  const decoded = Buffer.from(compact, 'base64');
  const plain = decoded.toString('utf8');
  if (decoded.toString('base64') === compact && !plain.includes('\uFFFD')) out.push({ key, value: plain });
  return out;
}

/** The data and stringData values of a Secret object. */
function secretObjectLiterals(object: Record<string, unknown>): SecretLiteral[] {
  const out: SecretLiteral[] = [];
  const { data, stringData } = object;
  if (isRecord(data)) for (const [k, v] of Object.entries(data)) if (typeof v === 'string') out.push(...decodedForms(k, v));
  if (isRecord(stringData)) for (const [k, v] of Object.entries(stringData)) if (typeof v === 'string') out.push({ key: k, value: v });
  return out;
}

/** Secret manifests written into a text (YAML or JSON, one document or several). */
function manifestLiterals(text: string): SecretLiteral[] {
  if (!SECRET_KIND.test(text)) return [];
  const out: SecretLiteral[] = [];
  try {
    for (const doc of parseAllDocuments(text)) {
      const object: unknown = doc.toJS();
      if (isRecord(object) && object.kind === 'Secret') out.push(...secretObjectLiterals(object));
    }
  } catch {
    // Not a manifest after all (prose that says "kind: Secret"): the phrases still count.
  }
  return out;
}

/**
 * The secret values a text gives, each with the key it is for: "with value x" → value/x,
 * "password=y" → password/y, "API_KEY=z" in a request about a secret → API_KEY/z,
 * `--from-literal=k=v` → k/v, a Secret manifest's data (base64 and decoded) and stringData.
 * Phrases and KEY=value pairs count only when the text speaks of a secret, a password or a token,
 * or when `assumeSecret` says the conversation did (a follow-up: "use value y instead");
 * `--from-literal` and Secret manifests count always. Odd input gives an empty list.
 */
export function secretLiteralsIn(input: string, options: { assumeSecret?: boolean } = {}): SecretLiteral[] {
  const text = scanned(input);
  if (text === '') return [];
  const out: SecretLiteral[] = [];
  for (const m of text.matchAll(FROM_LITERAL)) out.push({ key: m[1]!, value: unquote(m[2]!) });
  out.push(...manifestLiterals(text));
  if (options.assumeSecret || SECRET_WORDS.test(text)) {
    for (const [key, value] of keyValues(text)) if (!SETTING_KEYS.test(key)) out.push({ key, value });
    for (const m of text.matchAll(PHRASE)) {
      const raw = m[2]!;
      const value = /^["'`]/.test(raw) ? unquote(raw) : trimSentence(raw);
      // "key API_KEY=abc": the pair already gave API_KEY/abc.
      if (!/^["'`]/.test(raw) && /^[A-Za-z_][\w.-]*=/.test(value)) continue;
      out.push({ key: m[1]!.toLowerCase(), value });
    }
  }
  return dedupe(out);
}

/**
 * The secret values found in any value: strings (as secretLiteralsIn reads them) and Secret
 * objects (a manifest in a data part), at any depth.
 */
export function secretLiteralsInValue(value: unknown, options: { assumeSecret?: boolean } = {}): SecretLiteral[] {
  const out: SecretLiteral[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 64) return;
    if (typeof v === 'string') out.push(...secretLiteralsIn(v, options));
    else if (Array.isArray(v)) for (const x of v) walk(x, depth + 1);
    else if (isRecord(v)) {
      if (v.kind === 'Secret') out.push(...secretObjectLiterals(v));
      for (const x of Object.values(v)) walk(x, depth + 1);
    }
  };
  walk(value, 0);
  return dedupe(out);
}

/**
 * The secret values a request holds ("with value x", "password=y"), only so that an answer can
 * be checked for them and scrubbed (defence in depth: the plan never keeps them). Empty unless
 * the request is about a secret; values shorter than MIN_FREE_TEXT_LENGTH are left out, as a
 * search for them in free text would hit ordinary words.
 */
export function secretValuesIn(input: string): string[] {
  return [...new Set(secretLiteralsIn(input).map((l) => l.value))].filter((v) => v.length >= MIN_FREE_TEXT_LENGTH);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Where a short value stands in a phrase that names it by its key ("value x", "k=x", "password: x"). */
function phraseOf({ key, value }: SecretLiteral): RegExp {
  const lead = `(?<![\\w.-])${escapeRegExp(key)}["'\`]?(?:[ \\t]*[:=][ \\t]*|[ \\t]+(?:(?:of|is)[ \\t]+)?)["'\`]?`;
  return new RegExp(`(${lead})${escapeRegExp(value)}(?![\\w-])`, 'gi');
}

/**
 * The text with each given value masked (longest first): everywhere for values of
 * MIN_FREE_TEXT_LENGTH characters or more (and in base64 for values long enough to search for),
 * in the phrase that names them for shorter ones.
 */
export function maskSecretLiterals(text: string, literals: readonly SecretLiteral[]): string {
  let out = text;
  for (const literal of [...literals].sort((a, b) => b.value.length - a.value.length)) {
    const { value } = literal;
    if (!isHideable(value)) continue;
    if (value.length >= MIN_FREE_TEXT_LENGTH) {
      out = out.split(value).join(MASK);
      if (value.length >= MIN_REDACTABLE_LENGTH) out = out.split(Buffer.from(value, 'utf8').toString('base64')).join(MASK);
    } else {
      out = out.replace(phraseOf(literal), `$1${MASK}`);
    }
  }
  return out;
}

/** A copy of any value with the given literals masked in every string, keys included, at any depth. */
export function maskSecretLiteralsDeep<T>(value: T, literals: readonly SecretLiteral[]): T {
  if (literals.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return maskSecretLiterals(v, literals);
    if (Array.isArray(v)) return v.map(walk);
    if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [maskSecretLiterals(k, literals), walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** A text with the secret values it gives itself masked ("with value x" → "with value ***"). */
export function scrubSecretLiterals(text: string): string {
  const literals = secretLiteralsIn(text);
  return literals.length === 0 ? text : maskSecretLiterals(text, literals);
}

/** Replaces every occurrence of the given values in every string of a result, keys included. */
export function scrubValues<T>(value: T, secrets: string[]): T {
  if (secrets.length === 0) return value;
  const sorted = [...secrets].sort((a, b) => b.length - a.length);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return sorted.reduce((s, secret) => s.split(secret).join(MASK), v);
    if (Array.isArray(v)) return v.map(walk);
    if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [walk(k) as string, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
