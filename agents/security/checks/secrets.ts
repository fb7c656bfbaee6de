/**
 * Secrets where they do not belong: credential-named keys in ConfigMaps and tokens in annotations.
 * Findings name keys only — a value is read to recognise a token's shape and never repeated. Pure.
 */
import { type Finding, type ObjectRef, type Obj, rec, refOf, str } from './types.js';

/** Key names that carry credentials (ConfigMap keys, annotation keys). */
const SECRET_KEY = /(passw(or)?d|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|\.pem$|\.key$|id_rsa)/i;

/** Values shaped like a credential: a JWT, a PEM private key, cloud and SaaS token prefixes. */
const TOKEN_VALUE = /(^eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.)|(-----BEGIN [A-Z ]*PRIVATE KEY-----)|(^(AKIA|ASIA)[A-Z0-9]{16}$)|(^gh[pousr]_[A-Za-z0-9]{30,})|(^xox[abposr]-)|(^glpat-)|(^sk-[A-Za-z0-9_-]{20,})/;

/** Annotation keys that name a credential ("secret" alone is left out: it usually names a Secret, e.g. auth-secret). */
const ANNOTATION_KEY = /(passw(or)?d|passwd|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?$)/i;

/** Annotations written by tools that hold whole objects, not credentials of their own. */
const IGNORED_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);

/** ConfigMap keys (data and binaryData) named like credentials: they belong in a Secret. */
export function checkConfigMapKeys(configMap: unknown): Finding[] {
  const cm = rec(configMap);
  const keys = [...Object.keys(rec(cm.data)), ...Object.keys(rec(cm.binaryData))];
  const byName = keys.filter((k) => SECRET_KEY.test(k));
  const byValue = Object.entries(rec(cm.data)).filter(([k, v]) => !byName.includes(k) && typeof v === 'string' && TOKEN_VALUE.test(v.trim())).map(([k]) => k);
  const found = [...byName, ...byValue];
  if (!found.length) return [];
  const ref = refOf({ ...cm, kind: str(cm.kind) ?? 'ConfigMap' });
  return [
    {
      severity: 'medium',
      check: 'secret-configmap-key',
      object: ref,
      evidence: `secret-like key in a ConfigMap: ${found.join(', ')} (value not shown)`,
      fix: 'Move these keys into a Secret (mounted or referenced with secretKeyRef) and rotate the values: ConfigMaps are readable by anyone who may read configuration.',
      remediation: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${ref.name}-credentials\ntype: Opaque\nstringData:\n${found.map((k) => `  ${k}: <value>`).join('\n')}`,
    },
  ];
}

/** Annotations whose key names a credential and has a value, or whose value looks like a token. */
export function checkAnnotationTokens(annotations: Obj, ref: ObjectRef, where = 'annotation'): Finding[] {
  const found = Object.entries(annotations)
    .filter(([k, v]) => !IGNORED_ANNOTATIONS.has(k) && !k.startsWith('checksum/') && typeof v === 'string' && v !== '')
    .filter(([k, v]) => (ANNOTATION_KEY.test(k.split('/').at(-1) ?? k) && !/^(true|false|\d+)$/i.test(v as string)) || TOKEN_VALUE.test((v as string).trim()))
    .map(([k]) => k);
  if (!found.length) return [];
  return [
    {
      severity: 'high',
      check: 'secret-annotation-token',
      object: ref,
      evidence: `credential-like ${where}: ${found.join(', ')} (value not shown)`,
      fix: 'Remove the credential from the annotations (anyone who can read the object sees them) into a Secret, and rotate it.',
    },
  ];
}

/** The object's own metadata annotations. */
export function checkObjectAnnotations(obj: unknown): Finding[] {
  return checkAnnotationTokens(rec(rec(rec(obj).metadata).annotations), refOf(obj));
}
