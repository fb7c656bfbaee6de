/** PersistentVolumeClaims that stay Pending: a StorageClass that does not exist, or none named and no default. */
import type { AnalyzeOptions, AnalyzerFinding, Snapshot } from './types.js';
import { eventsAbout, label, list, nm, readable, refOf } from './util.js';

export function analyzePvcs(s: Snapshot, _o: AnalyzeOptions): AnalyzerFinding[] {
  const out: AnalyzerFinding[] = [];
  const classes = list(s.storageclasses).map(nm);
  const defaults = list(s.storageclasses).filter((c) => c?.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true').map(nm);
  const knowClasses = readable(s, 'storageclasses');
  for (const pvc of list(s.pvcs)) {
    if (!pvc) continue;
    const object = refOf('PersistentVolumeClaim', pvc);
    const sc = pvc.spec?.storageClassName;
    const pending = pvc.status?.phase === 'Pending';
    const events = eventsAbout(s, 'PersistentVolumeClaim', object.name, object.namespace).slice(-2);
    const classList = classes.join(', ') || 'none';
    if (knowClasses && sc && !classes.includes(sc) && !pvc.spec?.volumeName) {
      out.push({
        object,
        analyzer: 'pvc-storageclass-missing',
        severity: 'high',
        summary: `${label(object)} asks for StorageClass ${sc}, which does not exist, so it stays ${pvc.status?.phase ?? 'unbound'}.`,
        evidence: [`spec.storageClassName: ${sc}`, `StorageClasses: ${classList}`, `status.phase: ${pvc.status?.phase ?? '?'}`, ...events],
        chain: [`${label(object)}: ${pvc.status?.phase ?? 'unbound'}`, `StorageClass ${sc}: missing`],
        fix: { text: classes.length ? `set storageClassName to an existing class (${classList}); a claim's class cannot change, so re-create it` : `create StorageClass ${sc} (install a provisioner), or bind the claim to a pre-made PersistentVolume` },
      });
    } else if (knowClasses && pending && (sc === undefined || sc === null) && defaults.length === 0) {
      out.push({
        object,
        analyzer: 'pvc-no-default-storageclass',
        severity: 'high',
        summary: `${label(object)} is Pending: it names no StorageClass and the cluster has no default one.`,
        evidence: ['spec.storageClassName: not set', `StorageClasses: ${classList}, none marked default`, ...events],
        chain: [`${label(object)}: Pending`, 'StorageClass: none named and no default'],
        fix: { text: classes.length ? `set storageClassName to one of ${classList}, or mark one default (storageclass.kubernetes.io/is-default-class=true)` : 'install a storage provisioner with a default StorageClass, or create a matching PersistentVolume' },
      });
    } else if (pending) {
      out.push({
        object,
        analyzer: 'pvc-pending',
        severity: 'medium',
        summary: `${label(object)} is Pending${sc ? ` (StorageClass ${sc})` : ''}.`,
        evidence: [`status.phase: Pending`, ...(sc !== undefined && sc !== null ? [`spec.storageClassName: ${sc === '' ? '"" (static binding only)' : sc}`] : []), ...events],
        chain: [`${label(object)}: Pending`, events.at(-1) ?? 'no provisioning event'],
        fix: { text: sc === '' ? 'create a PersistentVolume that matches the claim (size, access mode), or set a storageClassName' : 'see the provisioning events; a WaitForFirstConsumer class binds only once a pod uses the claim' },
      });
    }
  }
  return out;
}
