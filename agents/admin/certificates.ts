/** The certificates skill's report, pure, over k8s_certificates' metadata (the tool never returns PEM or keys). */
export interface CertificateEntry {
  source: 'secret' | 'cert-manager' | 'apiserver';
  namespace: string | null;
  name: string;
  key: string | null;
  subject: string | null;
  issuer: string | null;
  sans: string[];
  notAfter: string | null;
  renewalTime?: string | null;
  ready?: boolean | null;
  daysLeft: number | null;
  selfSigned: boolean | null;
  isCA: boolean | null;
  severity: 'critical' | 'high' | 'medium' | 'ok' | 'unknown';
  problem: string | null;
}

export interface CertificateReport {
  certificates: CertificateEntry[];
  counts: Record<CertificateEntry['severity'], number>;
  summary: string;
}

export const certificateRef = (c: CertificateEntry): string =>
  c.source === 'apiserver' ? `API server ${c.name}` : `${c.source === 'cert-manager' ? 'Certificate' : 'Secret'} ${c.namespace ? `${c.namespace}/` : ''}${c.name}${c.source === 'secret' && c.key ? ` (${c.key})` : ''}`;

function line(c: CertificateEntry): string {
  const when = c.daysLeft === null ? '' : c.daysLeft < 0 ? `expired ${-c.daysLeft} day(s) ago (${c.notAfter})` : `expires in ${c.daysLeft} day(s) (${c.notAfter})`;
  const extras = [c.subject, c.selfSigned ? 'self-signed' : null, c.isCA ? 'CA' : null, c.problem].filter(Boolean).join(', ');
  return `[${c.severity}] ${certificateRef(c)}${when ? `: ${when}` : ''}${extras ? ` — ${extras}` : ''}`;
}

export function certificateReport(certificates: CertificateEntry[]): CertificateReport {
  const counts = { critical: 0, high: 0, medium: 0, ok: 0, unknown: 0 };
  for (const c of certificates) counts[c.severity] += 1;
  const attention = certificates.filter((c) => c.severity !== 'ok');
  const summary = certificates.length
    ? `${certificates.length} certificate(s) checked: ${counts.critical} expired, ${counts.high} expiring within 7 days, ${counts.medium} within 30 days${counts.unknown ? `, ${counts.unknown} unreadable or unchecked` : ''}.`
    : 'No certificates found (no TLS Secrets, no cert-manager Certificates, API server not checked).';
  return { certificates, counts, summary: attention.length ? summary : `${summary} Nothing needs renewing soon.` };
}

export function renderCertificateReport(r: CertificateReport): string {
  const shown = r.certificates.filter((c) => c.severity !== 'ok');
  const fine = r.certificates.length - shown.length;
  return [r.summary, ...shown.map(line), ...(fine ? [`${fine} more certificate(s) valid for 30 days or longer.`] : [])].join('\n');
}
