/**
 * Deprecated and removed API versions in manifests, pure: over parsed YAML documents (with the
 * line each starts on), for a target version. A finding says what to use instead and, where the
 * move is mechanical, carries the converted object.
 */
import { isRecord } from '../../shared/records.js';
import { toYaml } from '../../shared/yaml.js';
import { type ApiDeprecation, deprecationOf, statusAt } from './deprecations-catalog.js';

export interface ManifestDocument {
  file: string;
  /** 1-based index of the document in its file. */
  document: number;
  /** 1-based line the document starts on, when known. */
  line?: number | undefined;
  value: unknown;
}

export interface ManifestFinding {
  file: string;
  document: number;
  line?: number | undefined;
  kind: string;
  name: string;
  namespace?: string;
  apiVersion: string;
  /** removed: not served by the target (blocks); deprecated: still served, migrate before removal. */
  status: 'removed' | 'deprecated';
  deprecatedIn: string;
  removedIn: string | null;
  replacement: string | null;
  note?: string;
  /** The object under the replacement apiVersion, as YAML, when the move is mechanical. */
  fixed?: string;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (isRecord(v) ? v : {});

/** spec.selector from the pod template's labels, and the fields apps/v1 dropped. */
function toAppsV1(o: Obj, replacement: string): Obj | undefined {
  const spec = { ...obj(o.spec) };
  const labels = obj(obj(obj(spec.template).metadata).labels);
  if (!isRecord(spec.selector)) {
    if (!Object.keys(labels).length) return undefined; // nothing to derive a selector from: a person decides
    spec.selector = { matchLabels: labels };
  }
  delete spec.rollbackTo;
  delete spec.templateGeneration;
  return { ...o, apiVersion: replacement, spec };
}

/** extensions|networking.k8s.io/v1beta1 backends → networking.k8s.io/v1 (service.name, port.number|name, pathType). */
function toIngressV1(o: Obj, replacement: string): Obj {
  const backend = (b: unknown): Obj | undefined => {
    const x = obj(b);
    if (x.serviceName === undefined) return isRecord(b) ? b : undefined;
    const port = typeof x.servicePort === 'number' || /^\d+$/.test(String(x.servicePort)) ? { number: Number(x.servicePort) } : { name: String(x.servicePort) };
    return { service: { name: x.serviceName, port } };
  };
  const spec = { ...obj(o.spec) };
  if (spec.backend !== undefined) {
    spec.defaultBackend = backend(spec.backend);
    delete spec.backend;
  }
  if (Array.isArray(spec.rules)) {
    spec.rules = spec.rules.map((r: unknown) => {
      const rule = obj(r);
      const http = obj(rule.http);
      if (!Array.isArray(http.paths)) return rule;
      return { ...rule, http: { ...http, paths: http.paths.map((p: unknown) => ({ pathType: 'ImplementationSpecific', ...obj(p), backend: backend(obj(p).backend) })) } };
    });
  }
  return { ...o, apiVersion: replacement, spec };
}

function toFlowcontrolV1(o: Obj, replacement: string): Obj {
  const spec = { ...obj(o.spec) };
  const limited = obj(spec.limited);
  if (limited.assuredConcurrencyShares !== undefined) {
    const { assuredConcurrencyShares, ...rest } = limited;
    spec.limited = { ...rest, nominalConcurrencyShares: assuredConcurrencyShares };
  }
  return { ...o, apiVersion: replacement, spec };
}

/** The object under its replacement apiVersion, or undefined when the move needs a person. */
export function convert(o: Obj, d: ApiDeprecation): Obj | undefined {
  if (!d.replacement) return undefined;
  switch (d.conversion) {
    case 'rename':
      return { ...o, apiVersion: d.replacement };
    case 'selector':
      return toAppsV1(o, d.replacement);
    case 'ingress':
      return toIngressV1(o, d.replacement);
    case 'flowcontrol':
      return toFlowcontrolV1(o, d.replacement);
    default:
      return undefined;
  }
}

/** A document's objects: itself, or the items of a `kind: List`. */
function objectsOf(value: unknown): Obj[] {
  if (!isRecord(value)) return [];
  if (value.kind === 'List' && Array.isArray(value.items)) return value.items.filter(isRecord);
  return [value];
}

/** Every deprecated or removed apiVersion in the documents, judged at the target's minor version. */
export function findDeprecatedApis(documents: ManifestDocument[], targetMinor: number): ManifestFinding[] {
  const findings: ManifestFinding[] = [];
  for (const doc of documents) {
    for (const o of objectsOf(doc.value)) {
      if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') continue;
      const d = deprecationOf(o.apiVersion, o.kind);
      if (!d) continue;
      const status = statusAt(d, targetMinor);
      if (status === 'current') continue;
      const meta = obj(o.metadata);
      const fixed = convert(o, d);
      findings.push({
        file: doc.file,
        document: doc.document,
        ...(doc.line !== undefined ? { line: doc.line } : {}),
        kind: o.kind,
        name: typeof meta.name === 'string' ? meta.name : '<unnamed>',
        ...(typeof meta.namespace === 'string' ? { namespace: meta.namespace } : {}),
        apiVersion: o.apiVersion,
        status,
        deprecatedIn: `v1.${d.deprecatedIn}`,
        removedIn: d.removedIn === null ? null : `v1.${d.removedIn}`,
        replacement: d.replacement,
        ...(d.note ? { note: d.note } : {}),
        ...(fixed ? { fixed: toYaml(fixed) } : {}),
      });
    }
  }
  return findings;
}
