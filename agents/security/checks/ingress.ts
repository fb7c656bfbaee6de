/**
 * Ingresses that serve plain HTTP: no spec.tls (Polaris: tlsSettingsMissing). TLS may still be
 * terminated in front of the controller (a cloud load balancer), so the finding is low and says so. Pure.
 */
import { arr, type Finding, rec, refOf } from './types.js';

export function checkIngressTls(ingress: unknown): Finding[] {
  const o = rec(ingress);
  const spec = rec(o.spec);
  if (arr(spec.tls).length) return [];
  const ref = refOf({ ...o, kind: 'Ingress' });
  const hosts = [...new Set(arr(spec.rules).map((r) => rec(r).host).filter((h): h is string => typeof h === 'string' && h !== ''))];
  return [
    {
      severity: 'low',
      check: 'ingress-tls-missing',
      object: ref,
      evidence: `no spec.tls: ${hosts.length ? hosts.join(', ') : 'its routes'} served over plain HTTP by the ingress controller (unless a load balancer in front terminates TLS)`,
      fix: 'Add spec.tls with the hosts and a TLS Secret (cert-manager can issue it), and redirect HTTP to HTTPS.',
      remediation: ['spec:', '  tls:', '    - hosts:', ...(hosts.length ? hosts.map((h) => `        - ${h}`) : ['        - <host>']), `      secretName: ${ref.name}-tls`].join('\n'),
    },
  ];
}
