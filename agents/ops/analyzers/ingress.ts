/**
 * Ingresses that cannot work: no class and no default IngressClass (no controller picks them
 * up), a backend Service or port that does not exist, a TLS Secret that does not exist.
 */
import type { AnalyzeOptions, AnalyzerFinding, Ingress, IngressBackend, Snapshot } from './types.js';
import { label, list, nm, nsOf, readable, refOf } from './util.js';

function backends(ing: Ingress): Array<{ where: string; backend: IngressBackend }> {
  const out: Array<{ where: string; backend: IngressBackend }> = [];
  if (ing.spec?.defaultBackend) out.push({ where: 'defaultBackend', backend: ing.spec.defaultBackend });
  for (const r of list(ing.spec?.rules)) for (const p of list(r?.http?.paths)) if (p?.backend) out.push({ where: `${r?.host ?? '*'}${p.path ?? '/'}`, backend: p.backend });
  return out;
}

export function analyzeIngresses(s: Snapshot, _o: AnalyzeOptions): AnalyzerFinding[] {
  const out: AnalyzerFinding[] = [];
  const hasDefaultClass = list(s.ingressclasses).some((c) => c?.metadata?.annotations?.['ingressclass.kubernetes.io/is-default-class'] === 'true');
  for (const ing of list(s.ingresses)) {
    if (!ing) continue;
    const object = refOf('Ingress', ing);
    const ns = nsOf(ing);
    const className = ing.spec?.ingressClassName ?? ing.metadata?.annotations?.['kubernetes.io/ingress.class'];
    if (!className && !hasDefaultClass && readable(s, 'ingressclasses')) {
      out.push({
        object,
        analyzer: 'ingress-no-class',
        severity: 'medium',
        summary: `${label(object)} names no ingressClassName and the cluster has no default IngressClass, so no ingress controller serves it.`,
        evidence: ['spec.ingressClassName: not set', `IngressClasses: ${list(s.ingressclasses).map(nm).join(', ') || 'none'}, none annotated ingressclass.kubernetes.io/is-default-class=true`],
        chain: [`${label(object)}: not served`, 'IngressClass: none named and no default'],
        fix: { text: list(s.ingressclasses).length ? `set spec.ingressClassName to one of ${list(s.ingressclasses).map(nm).join(', ')}` : 'install an ingress controller (it brings an IngressClass) and set spec.ingressClassName to its class' },
      });
    } else if (className && readable(s, 'ingressclasses') && !list(s.ingressclasses).some((c) => nm(c) === className)) {
      out.push({
        object,
        analyzer: 'ingress-class-missing',
        severity: 'medium',
        summary: `${label(object)} asks for IngressClass ${className}, which does not exist.`,
        evidence: [`spec.ingressClassName: ${className}`, `IngressClasses: ${list(s.ingressclasses).map(nm).join(', ') || 'none'}`],
        chain: [`${label(object)}: not served`, `IngressClass ${className}: missing`],
        fix: { text: `install the controller for ${className} or set spec.ingressClassName to an existing class` },
      });
    }
    if (readable(s, 'services')) {
      for (const { where, backend } of backends(ing)) {
        const svcName = backend.service?.name;
        if (!svcName) continue;
        const svc = list(s.services).find((x) => x && nsOf(x) === ns && nm(x) === svcName);
        const port = backend.service?.port;
        const portText = port?.name ?? (port?.number != null ? String(port.number) : '?');
        if (!svc) {
          out.push({
            object,
            analyzer: 'ingress-backend-missing',
            severity: 'high',
            summary: `${label(object)} routes ${where} to Service ${svcName}, which does not exist in ${ns}.`,
            evidence: [`backend for ${where}: service ${svcName} port ${portText}`, `Service ${ns}/${svcName}: not found`],
            chain: [`${label(object)}: ${where}`, `Service ${ns}/${svcName}: missing`],
            fix: { text: `create Service ${svcName} in ${ns} or point the backend at an existing Service` },
          });
          continue;
        }
        const ports = list(svc.spec?.ports);
        const ok = port?.name ? ports.some((p) => p?.name === port.name) : port?.number != null ? ports.some((p) => p?.port === port.number) : true;
        if (!ok) {
          out.push({
            object,
            analyzer: 'ingress-backend-port-missing',
            severity: 'high',
            summary: `${label(object)} routes ${where} to port ${portText} of Service ${svcName}, which has no such port (it has ${ports.map((p) => `${p?.port ?? '?'}${p?.name ? `/${p.name}` : ''}`).join(', ') || 'none'}).`,
            evidence: [`backend for ${where}: service ${svcName} port ${portText}`, `Service ${ns}/${svcName} ports: ${ports.map((p) => `${p?.port ?? '?'}${p?.name ? `/${p.name}` : ''}`).join(', ') || 'none'}`],
            chain: [`${label(object)}: ${where}`, `Service ${ns}/${svcName}: no port ${portText}`],
            fix: { text: `set the backend port to one the Service exposes, or add port ${portText} to Service ${svcName}` },
          });
        }
      }
    }
    if (readable(s, 'secrets')) {
      for (const tls of list(ing.spec?.tls)) {
        const secret = tls?.secretName;
        if (!secret || list(s.secrets).some((x) => x && nsOf(x) === ns && nm(x) === secret)) continue;
        out.push({
          object,
          analyzer: 'ingress-tls-secret-missing',
          severity: 'medium',
          summary: `${label(object)} terminates TLS for ${list(tls.hosts).join(', ') || 'its hosts'} with Secret ${secret}, which does not exist in ${ns}.`,
          evidence: [`spec.tls: secretName ${secret} for ${list(tls.hosts).join(', ') || '(no hosts)'}`, `Secret ${ns}/${secret}: not found`],
          chain: [`${label(object)}: TLS for ${list(tls.hosts).join(', ') || '*'}`, `Secret ${ns}/${secret}: missing`],
          fix: { text: `create the TLS Secret (type kubernetes.io/tls) ${secret} in ${ns}, e.g. with cert-manager or kubectl create secret tls`, command: ['kubectl', 'create', 'secret', 'tls', secret, '-n', ns, '--cert=<cert.pem>', '--key=<key.pem>'] },
        });
      }
    }
  }
  return out;
}
