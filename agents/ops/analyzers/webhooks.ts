/**
 * Admission webhooks whose Service does not exist or has no ready endpoints: with failurePolicy
 * Fail every request they match is rejected, with Ignore it is silently skipped.
 */
import type { AnalyzeOptions, AnalyzerFinding, Snapshot, WebhookConfiguration } from './types.js';
import { label, list, nm, nsOf, readable, refOf } from './util.js';

function check(kind: string, cfg: WebhookConfiguration, s: Snapshot): AnalyzerFinding[] {
  const out: AnalyzerFinding[] = [];
  const object = refOf(kind, cfg);
  for (const wh of list(cfg.webhooks)) {
    const svcRef = wh?.clientConfig?.service;
    if (!svcRef?.name || !svcRef.namespace) continue;
    // A snapshot of one namespace knows nothing of another's Services.
    if (s.namespace && svcRef.namespace !== s.namespace) continue;
    const failClosed = (wh.failurePolicy ?? 'Fail') === 'Fail';
    const svc = list(s.services).find((x) => x && nsOf(x) === svcRef.namespace && nm(x) === svcRef.name);
    const where = `Service ${svcRef.namespace}/${svcRef.name}`;
    const effect = failClosed ? 'every request it matches is rejected (failurePolicy Fail)' : 'it is skipped (failurePolicy Ignore)';
    if (!svc) {
      out.push({
        object,
        analyzer: 'webhook-service-missing',
        severity: failClosed ? 'critical' : 'medium',
        summary: `${label(object)} webhook ${wh.name ?? '?'} calls ${where}, which does not exist: ${effect}.`,
        evidence: [`webhooks[${wh.name ?? '?'}].clientConfig.service: ${svcRef.namespace}/${svcRef.name}`, `${where}: not found`, `failurePolicy: ${wh.failurePolicy ?? 'Fail (default)'}`],
        chain: [`${label(object)}: webhook ${wh.name ?? '?'}`, `${where}: missing`],
        fix: { text: `deploy the webhook's Service (reinstall its operator), or delete the ${kind} if the operator is gone`, command: ['kubectl', 'get', kind.toLowerCase(), object.name, '-o', 'yaml'] },
      });
      continue;
    }
    if (!readable(s, 'endpointslices')) continue;
    const ready = list(s.endpointslices)
      .filter((e) => e && nsOf(e) === svcRef.namespace && e.metadata?.labels?.['kubernetes.io/service-name'] === svcRef.name)
      .flatMap((e) => list(e.endpoints))
      .filter((ep) => ep && ep.conditions?.ready !== false && list(ep.addresses).length > 0);
    if (ready.length > 0 || svc.spec?.type === 'ExternalName') continue;
    out.push({
      object,
      analyzer: 'webhook-no-endpoints',
      severity: failClosed ? 'critical' : 'medium',
      summary: `${label(object)} webhook ${wh.name ?? '?'} calls ${where}, which has no ready endpoints: ${effect}.`,
      evidence: [`webhooks[${wh.name ?? '?'}].clientConfig.service: ${svcRef.namespace}/${svcRef.name}`, `${where}: no ready endpoints`, `failurePolicy: ${wh.failurePolicy ?? 'Fail (default)'}`],
      chain: [`${label(object)}: webhook ${wh.name ?? '?'}`, `${where}: no ready endpoints`],
      fix: { text: `bring the webhook's pods up (see ${where}'s pods), or set failurePolicy Ignore while it is down` },
    });
  }
  return out;
}

export function analyzeWebhooks(s: Snapshot, _o: AnalyzeOptions): AnalyzerFinding[] {
  if (!readable(s, 'services')) return [];
  return [...list(s.validatingwebhooks).flatMap((c) => (c ? check('ValidatingWebhookConfiguration', c, s) : [])), ...list(s.mutatingwebhooks).flatMap((c) => (c ? check('MutatingWebhookConfiguration', c, s) : []))];
}
