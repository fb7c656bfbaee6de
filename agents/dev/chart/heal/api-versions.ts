/**
 * Removed API versions replaced by the served ones, in the template that renders them (pure).
 * Where the shape changed too it is converted without guessing: an Ingress backend
 * (serviceName/servicePort → service.name/port.number|name, pathType ImplementationSpecific —
 * what v1beta1 meant when none was set), an HPA v2beta1 metric target
 * (targetAverageUtilization → target.type Utilization).
 */
import { documentOfKind, indentOf } from './text.js';

/** `apiVersion kind` → the version that replaced it (Kubernetes 1.16–1.26 removals). */
export const REMOVED_APIS: Record<string, string> = {
  'extensions/v1beta1 Deployment': 'apps/v1',
  'extensions/v1beta1 DaemonSet': 'apps/v1',
  'extensions/v1beta1 ReplicaSet': 'apps/v1',
  'extensions/v1beta1 NetworkPolicy': 'networking.k8s.io/v1',
  'extensions/v1beta1 Ingress': 'networking.k8s.io/v1',
  'apps/v1beta1 Deployment': 'apps/v1',
  'apps/v1beta1 StatefulSet': 'apps/v1',
  'apps/v1beta2 Deployment': 'apps/v1',
  'apps/v1beta2 StatefulSet': 'apps/v1',
  'apps/v1beta2 DaemonSet': 'apps/v1',
  'apps/v1beta2 ReplicaSet': 'apps/v1',
  'networking.k8s.io/v1beta1 Ingress': 'networking.k8s.io/v1',
  'networking.k8s.io/v1beta1 IngressClass': 'networking.k8s.io/v1',
  'policy/v1beta1 PodDisruptionBudget': 'policy/v1',
  'autoscaling/v2beta1 HorizontalPodAutoscaler': 'autoscaling/v2',
  'autoscaling/v2beta2 HorizontalPodAutoscaler': 'autoscaling/v2',
  'batch/v1beta1 CronJob': 'batch/v1',
  'rbac.authorization.k8s.io/v1beta1 Role': 'rbac.authorization.k8s.io/v1',
  'rbac.authorization.k8s.io/v1beta1 ClusterRole': 'rbac.authorization.k8s.io/v1',
  'rbac.authorization.k8s.io/v1beta1 RoleBinding': 'rbac.authorization.k8s.io/v1',
  'rbac.authorization.k8s.io/v1beta1 ClusterRoleBinding': 'rbac.authorization.k8s.io/v1',
};

export function replacementApi(apiVersion: string, kind: string): string | undefined {
  return REMOVED_APIS[`${apiVersion} ${kind}`];
}

/** Ingress v1beta1 backends in v1 shape; `numericPort` says what the rendered servicePort was. */
function convertIngressBackends(lines: string[], numericPort: (raw: string) => boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const name = /^(\s*)serviceName:\s*(.+?)\s*$/.exec(line);
    const next = lines[i + 1] ?? '';
    const port = /^(\s*)servicePort:\s*(.+?)\s*$/.exec(next);
    if (name && port && name[1] === port[1]) {
      const pad = name[1]!;
      // A literal port says what it is; a template expression is judged by what it rendered to.
      const raw = port[2]!;
      const numeric = raw.includes('{{') ? numericPort(raw) : /^["']?\d+["']?$/.test(raw);
      out.push(`${pad}service:`, `${pad}  name: ${name[2]}`, `${pad}  port:`, `${pad}    ${numeric ? 'number' : 'name'}: ${numeric ? raw.replace(/["']/g, '') : raw}`);
      i++;
      continue;
    }
    // spec.backend (the default backend) was renamed spec.defaultBackend.
    out.push(/^ {2}backend:\s*$/.test(line) ? '  defaultBackend:' : line);
    const path = /^(\s*)- path:\s*(.+)$/.exec(line);
    if (path) {
      const itemIndent = path[1]!.length + 2;
      let j = i + 1;
      let hasType = false;
      while (j < lines.length && (lines[j]!.trim() === '' || indentOf(lines[j]!) >= itemIndent)) {
        if (/^\s*pathType:/.test(lines[j]!)) hasType = true;
        j++;
      }
      if (!hasType) out.push(`${' '.repeat(itemIndent)}pathType: ImplementationSpecific`);
    }
  }
  return out;
}

/** HPA v2beta1 resource metric targets in v2 shape. */
function convertHpaTargets(lines: string[]): string[] {
  return lines.flatMap((line) => {
    const m = /^(\s*)target(AverageUtilization|AverageValue):\s*(.+?)\s*$/.exec(line);
    if (!m) return [line];
    const pad = m[1]!;
    return m[2] === 'AverageUtilization' ? [`${pad}target:`, `${pad}  type: Utilization`, `${pad}  averageUtilization: ${m[3]}`] : [`${pad}target:`, `${pad}  type: AverageValue`, `${pad}  averageValue: ${m[3]}`];
  });
}

/**
 * The template text with the object of `kind` moved from `from` to `to`; undefined when the
 * apiVersion line is not written literally in the template (then nothing is guessed).
 */
export function replaceApiVersion(text: string, kind: string, from: string, to: string, numericPort: (raw: string) => boolean = () => true): string | undefined {
  const lines = text.split('\n');
  const [s, e] = documentOfKind(lines, kind);
  const re = new RegExp(`^apiVersion:\\s*["']?${from.replace(/[./]/g, '\\$&')}["']?\\s*$`);
  const at = lines.slice(s, e).findIndex((l) => re.test(l));
  if (at < 0) return undefined;
  let doc = lines.slice(s, e);
  doc[at] = `apiVersion: ${to}`;
  if (kind === 'Ingress' && to === 'networking.k8s.io/v1') doc = convertIngressBackends(doc, numericPort);
  if (kind === 'HorizontalPodAutoscaler' && from === 'autoscaling/v2beta1') doc = convertHpaTargets(doc);
  return [...lines.slice(0, s), ...doc, ...lines.slice(e)].join('\n');
}
