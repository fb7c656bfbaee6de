/**
 * ConfigMaps and Secrets (and their keys) that pod templates reference but that do not exist:
 * env valueFrom, envFrom, volumes and projected volumes. Names only: a snapshot carries key
 * names, never values. Optional references are skipped; pods a controller owns are judged
 * through the controller's template.
 */
import type { AnalyzeOptions, AnalyzerFinding, KeyedObject, ObjectRef, PodTemplate, Snapshot } from './types.js';
import { label, list, nm, nsOf, readable, refOf } from './util.js';

export interface Ref {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  key?: string;
  via: string;
}

/** Every non-optional ConfigMap/Secret reference of a pod spec; optional ones too with `includeOptional` (they still use what exists). */
export function configRefs(spec: PodTemplate['spec'], includeOptional = false): Ref[] {
  const refs: Ref[] = [];
  const required = (r: { optional?: boolean | null }) => includeOptional || r.optional !== true;
  for (const c of [...list(spec?.initContainers), ...list(spec?.containers)]) {
    const cn = c?.name ?? '?';
    for (const e of list(c?.env)) {
      const cm = e?.valueFrom?.configMapKeyRef;
      const sec = e?.valueFrom?.secretKeyRef;
      if (cm?.name && required(cm)) refs.push({ kind: 'ConfigMap', name: cm.name, ...(cm.key ? { key: cm.key } : {}), via: `container ${cn} env ${e?.name ?? '?'}` });
      if (sec?.name && required(sec)) refs.push({ kind: 'Secret', name: sec.name, ...(sec.key ? { key: sec.key } : {}), via: `container ${cn} env ${e?.name ?? '?'}` });
    }
    for (const f of list(c?.envFrom)) {
      if (f?.configMapRef?.name && required(f.configMapRef)) refs.push({ kind: 'ConfigMap', name: f.configMapRef.name, via: `container ${cn} envFrom` });
      if (f?.secretRef?.name && required(f.secretRef)) refs.push({ kind: 'Secret', name: f.secretRef.name, via: `container ${cn} envFrom` });
    }
  }
  for (const v of list(spec?.volumes)) {
    const vn = `volume ${v?.name ?? '?'}`;
    const add = (kind: Ref['kind'], name: string | null | undefined, src: { items?: Array<{ key?: string | null }> | null; optional?: boolean | null }, via: string) => {
      if (!name || !required(src)) return;
      const keys = list(src.items).map((i) => i?.key).filter((k): k is string => Boolean(k));
      if (keys.length === 0) refs.push({ kind, name, via });
      for (const key of keys) refs.push({ kind, name, key, via });
    };
    if (v?.configMap) add('ConfigMap', v.configMap.name, v.configMap, vn);
    if (v?.secret) add('Secret', v.secret.secretName, v.secret, vn);
    for (const src of list(v?.projected?.sources)) {
      if (src?.configMap) add('ConfigMap', src.configMap.name, src.configMap, `${vn} (projected)`);
      if (src?.secret) add('Secret', src.secret.name, src.secret, `${vn} (projected)`);
    }
  }
  return refs;
}

/** The pod templates to check: workloads, jobs, cronjobs, and pods no controller owns. */
export function templates(s: Snapshot): Array<{ object: ObjectRef; spec: PodTemplate['spec'] }> {
  const out: Array<{ object: ObjectRef; spec: PodTemplate['spec'] }> = [];
  const unowned = (o: { metadata?: { ownerReferences?: unknown[] | null } | null }) => list(o.metadata?.ownerReferences).length === 0;
  for (const [kind, xs] of [['Deployment', s.deployments], ['StatefulSet', s.statefulsets], ['DaemonSet', s.daemonsets], ['ReplicaSet', s.replicasets]] as const) {
    for (const w of list(xs)) if (w && (kind !== 'ReplicaSet' || unowned(w))) out.push({ object: refOf(kind, w), spec: w.spec?.template?.spec });
  }
  for (const j of list(s.jobs)) if (j && unowned(j)) out.push({ object: refOf('Job', j), spec: j.spec?.template?.spec });
  for (const cj of list(s.cronjobs)) if (cj) out.push({ object: refOf('CronJob', cj), spec: cj.spec?.jobTemplate?.spec?.template?.spec });
  for (const p of list(s.pods)) if (p && unowned(p)) out.push({ object: refOf('Pod', p), spec: p.spec as PodTemplate['spec'] });
  return out;
}

export function analyzeConfigRefs(s: Snapshot, _o: AnalyzeOptions): AnalyzerFinding[] {
  const out: AnalyzerFinding[] = [];
  const stores: Record<Ref['kind'], { ok: boolean; items: KeyedObject[] }> = {
    ConfigMap: { ok: readable(s, 'configmaps'), items: list(s.configmaps) },
    Secret: { ok: readable(s, 'secrets'), items: list(s.secrets) },
  };
  for (const { object, spec } of templates(s)) {
    const seen = new Set<string>();
    for (const ref of configRefs(spec)) {
      const store = stores[ref.kind];
      if (!store.ok) continue;
      const ns = object.namespace ?? '';
      const found = store.items.find((x) => x && nsOf(x) === ns && nm(x) === ref.name);
      const missingKey = found && ref.key && found.keys && !found.keys.includes(ref.key);
      if (found && !missingKey) continue;
      const id = `${ref.kind}/${ref.name}/${found ? (ref.key ?? '') : ''}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const target = `${ref.kind} ${ns}/${ref.name}`;
      out.push({
        object,
        analyzer: found ? 'config-key-missing' : 'config-ref-missing',
        severity: 'high',
        summary: found ? `${label(object)} reads key ${ref.key} of ${target}, which has no such key.` : `${label(object)} references ${target}, which does not exist: its pods cannot start (CreateContainerConfigError) or mount it.`,
        evidence: [`${ref.via}: ${ref.kind} ${ref.name}${ref.key ? ` key ${ref.key}` : ''}`, found ? `${target} keys: ${list(found.keys).join(', ') || 'none'}` : `${target}: not found`],
        chain: [`${label(object)}: ${ref.via}`, found ? `${target} key ${ref.key}: missing` : `${target}: missing`],
        fix: { text: found ? `add key ${ref.key} to ${target} or fix the key name in the reference` : `create ${target} (or fix the name, or mark the reference optional)`, ...(found ? {} : { command: ['kubectl', 'create', ...(ref.kind === 'Secret' ? ['secret', 'generic'] : ['configmap']), ref.name, '-n', ns, '--from-literal=<key>=<value>'] }) },
      });
    }
  }
  return out;
}
