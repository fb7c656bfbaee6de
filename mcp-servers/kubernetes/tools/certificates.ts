/**
 * k8s_certificates: certificate expiry without letting a Secret value out. Certificates are
 * parsed here, in the server, with node:crypto X509Certificate; only metadata leaves (subject,
 * issuer, SANs, validity, days left, self-signed, CA) — never the PEM, never a private key
 * (keys holding one are not even parsed). Sources: Secrets (type kubernetes.io/tls, or any key
 * holding a PEM certificate), cert-manager Certificates when the CRD is served, and the API
 * server's serving certificate (a TLS handshake to the kubeconfig's server, loopback only).
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import tls from 'node:tls';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { ResourceCatalog } from '../../../shared/kube-discovery.js';
import { kubeRequest } from '../../../shared/kube-http.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { toolResult } from '../../../shared/mcp/result.js';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { isRecord } from '../../../shared/records.js';
import { renderTable } from '../format.js';
import { contextInput, namespaceInput } from '../../../shared/mcp/inputs.js';

export type CertSeverity = 'critical' | 'high' | 'medium' | 'ok';
const DAY_MS = 86_400_000;

/** Expired: critical; under 7 days: high; under 30 days: medium. */
export function certSeverity(daysLeft: number): CertSeverity {
  if (daysLeft < 0) return 'critical';
  if (daysLeft < 7) return 'high';
  if (daysLeft < 30) return 'medium';
  return 'ok';
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  sans: string[];
  notBefore: string;
  notAfter: string;
  daysLeft: number;
  selfSigned: boolean;
  isCA: boolean;
  serialNumber: string;
  severity: CertSeverity;
}

const oneLine = (dn: string) => dn.split('\n').filter(Boolean).join(', ');

/** Metadata of one parsed certificate, at `now`. */
export function certificateInfo(cert: X509Certificate, now = Date.now()): CertificateInfo {
  const notAfter = new Date(cert.validTo);
  const daysLeft = Math.floor((notAfter.getTime() - now) / DAY_MS);
  return {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    sans: (cert.subjectAltName ?? '').split(/,\s*/).filter(Boolean),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft,
    selfSigned: cert.subject === cert.issuer && cert.checkIssued(cert),
    isCA: cert.ca,
    serialNumber: cert.serialNumber,
    severity: certSeverity(daysLeft),
  };
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * The certificates (leaf first) in one Secret value; [] when it holds none. A value holding a
 * private key is skipped whole. Parse failures are reported by message only, never with the text.
 */
export function certificatesIn(text: string, now = Date.now()): { certificates: CertificateInfo[]; error?: string } {
  if (PRIVATE_KEY.test(text)) return { certificates: [] };
  const blocks = text.match(PEM_CERT) ?? [];
  const certificates: CertificateInfo[] = [];
  for (const block of blocks) {
    try {
      certificates.push(certificateInfo(new X509Certificate(block), now));
    } catch {
      return { certificates, error: 'a PEM CERTIFICATE block does not parse' };
    }
  }
  return { certificates };
}

const entry = z.object({
  source: z.enum(['secret', 'cert-manager', 'apiserver']),
  namespace: z.string().nullable(),
  name: z.string(),
  key: z.string().nullable().describe('the Secret key holding the certificate (secret only)'),
  chainLength: z.number().int().nullable().describe('certificates in the value (secret only)'),
  subject: z.string().nullable(),
  issuer: z.string().nullable(),
  sans: z.array(z.string()),
  notBefore: z.string().nullable(),
  notAfter: z.string().nullable(),
  renewalTime: z.string().nullable().describe('cert-manager only'),
  ready: z.boolean().nullable().describe('cert-manager only: the Ready condition'),
  daysLeft: z.number().int().nullable(),
  selfSigned: z.boolean().nullable(),
  isCA: z.boolean().nullable(),
  severity: z.enum(['critical', 'high', 'medium', 'ok', 'unknown']),
  problem: z.string().nullable(),
});
export type CertificateEntry = z.infer<typeof entry>;

const empty = { key: null, chainLength: null, subject: null, issuer: null, sans: [], notBefore: null, notAfter: null, renewalTime: null, ready: null, daysLeft: null, selfSigned: null, isCA: null, problem: null };

/** Every certificate held in a list of Secrets (base64 data as the API returns it). */
export function secretCertificates(secrets: unknown[], now = Date.now()): CertificateEntry[] {
  const out: CertificateEntry[] = [];
  for (const s of secrets) {
    if (!isRecord(s) || !isRecord(s.metadata)) continue;
    const namespace = typeof s.metadata.namespace === 'string' ? s.metadata.namespace : null;
    const name = String(s.metadata.name ?? '');
    const data = isRecord(s.data) ? s.data : {};
    const isTls = s.type === 'kubernetes.io/tls';
    for (const [key, raw] of Object.entries(data)) {
      if (typeof raw !== 'string') continue;
      const text = Buffer.from(raw, 'base64').toString('utf8');
      const { certificates, error } = certificatesIn(text, now);
      const leaf = certificates[0];
      if (leaf) out.push({ ...empty, source: 'secret', namespace, name, key, chainLength: certificates.length, ...leaf, problem: error ?? null });
      else if (error || (isTls && key === 'tls.crt')) out.push({ ...empty, source: 'secret', namespace, name, key, severity: 'unknown', problem: error ?? 'tls.crt holds no PEM certificate' });
    }
  }
  return out;
}

/** cert-manager Certificates' status (notAfter, renewalTime, Ready). */
export function certManagerEntries(items: unknown[], now = Date.now()): CertificateEntry[] {
  return items.filter(isRecord).map((c) => {
    const meta = isRecord(c.metadata) ? c.metadata : {};
    const spec = isRecord(c.spec) ? c.spec : {};
    const status = isRecord(c.status) ? c.status : {};
    const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isRecord) : [];
    const readyCond = conditions.find((x) => x.type === 'Ready');
    const notAfter = typeof status.notAfter === 'string' ? status.notAfter : null;
    const daysLeft = notAfter ? Math.floor((Date.parse(notAfter) - now) / DAY_MS) : null;
    const dnsNames = Array.isArray(spec.dnsNames) ? spec.dnsNames.map((d) => `DNS:${String(d)}`) : [];
    return {
      ...empty,
      source: 'cert-manager' as const,
      namespace: typeof meta.namespace === 'string' ? meta.namespace : null,
      name: String(meta.name ?? ''),
      key: typeof spec.secretName === 'string' ? spec.secretName : null,
      subject: typeof spec.commonName === 'string' ? `CN=${spec.commonName}` : null,
      issuer: isRecord(spec.issuerRef) ? `${String(spec.issuerRef.kind ?? 'Issuer')}/${String(spec.issuerRef.name ?? '?')}` : null,
      sans: dnsNames,
      notBefore: typeof status.notBefore === 'string' ? status.notBefore : null,
      notAfter,
      renewalTime: typeof status.renewalTime === 'string' ? status.renewalTime : null,
      ready: readyCond ? readyCond.status === 'True' : null,
      daysLeft,
      severity: daysLeft === null ? ('unknown' as const) : certSeverity(daysLeft),
      problem: readyCond && readyCond.status !== 'True' ? `not Ready: ${String(readyCond.reason ?? '')} ${String(readyCond.message ?? '')}`.trim() : notAfter ? null : 'no status.notAfter yet',
    };
  });
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
export const isLoopbackHost = (host: string): boolean => LOOPBACK.has(host) || (isIP(host) === 4 && host.startsWith('127.'));

/** The API server's serving certificate, from a TLS handshake (loopback servers only; nothing is sent). */
async function apiServerCertificate(server: string, now: number): Promise<CertificateEntry> {
  const url = new URL(server);
  const base = { ...empty, source: 'apiserver' as const, namespace: null, name: url.host };
  if (url.protocol !== 'https:') return { ...base, severity: 'unknown', problem: 'the API server is not served over https' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!isLoopbackHost(host)) return { ...base, severity: 'unknown', problem: 'not checked: the API server is not on a loopback address (this tool only dials loopback)' };
  const der = await new Promise<Buffer>((resolve, reject) => {
    // Only the certificate is read, so it is not verified here (kubeRequest verifies it on every call).
    const socket = tls.connect({ host, port: Number(url.port || 443), servername: isIP(host) ? undefined : host, rejectUnauthorized: false, timeout: 5000 }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.end();
      if (raw) resolve(raw);
      else reject(new Error('the server sent no certificate'));
    });
    socket.on('timeout', () => socket.destroy(new Error('TLS handshake timed out')));
    socket.on('error', reject);
  });
  return { ...base, ...certificateInfo(new X509Certificate(der), now) };
}

const RANK: Record<CertificateEntry['severity'], number> = { critical: 0, high: 1, medium: 2, unknown: 3, ok: 4 };

export function registerCertificates(server: McpServer, access: ClusterAccess): void {
  const name = 'k8s_certificates';
  registerPolicedTool(
    server,
    access.policy,
    name,
    'read',
    {
      title: 'Certificate expiry',
      description:
        'Certificates in the cluster and when they expire: TLS Secrets (and any Secret key holding a PEM certificate), cert-manager Certificates when served, and the API server\'s serving certificate (loopback servers only). Parsed server-side: only metadata is returned (subject, issuer, SANs, validity, days left, self-signed, CA) — never certificate PEM or private keys. Severity: expired critical, <7 days high, <30 days medium.',
      inputSchema: {
        namespace: namespaceInput.optional().describe('Only this namespace (Secrets and cert-manager Certificates); omit for all'),
        apiServer: z.boolean().default(true).describe("Also check the API server's serving certificate"),
        context: contextInput,
      },
      outputSchema: { certificates: z.array(entry), checked: z.object({ secrets: z.number().int(), certManager: z.boolean(), apiServer: z.boolean() }) },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const now = Date.now();
      const client = access.client(args.context);
      const catalog = await access.catalog(client);
      const secretsResource = catalog.resolve('secrets');
      access.policy.assertKind(secretsResource);
      const secrets = ((await kubeRequest(client, { path: ResourceCatalog.path(secretsResource, args.namespace) })).json as { items?: unknown[] }).items ?? [];
      const found = secretCertificates(secrets, now);
      const certResource = catalog.resources.find((r) => r.group === 'cert-manager.io' && r.kind === 'Certificate');
      if (certResource) {
        const items = ((await kubeRequest(client, { path: ResourceCatalog.path(certResource, args.namespace) })).json as { items?: unknown[] }).items ?? [];
        found.push(...certManagerEntries(items, now));
      }
      if (args.apiServer) {
        try {
          found.push(await apiServerCertificate(client.server, now));
        } catch (e) {
          found.push({ ...empty, source: 'apiserver', namespace: null, name: client.server, severity: 'unknown', problem: `TLS handshake failed: ${e instanceof Error ? e.message : String(e)}` });
        }
      }
      found.sort((a, b) => RANK[a.severity] - RANK[b.severity] || (a.daysLeft ?? 0) - (b.daysLeft ?? 0));
      const text = found.length
        ? renderTable(
            ['Severity', 'Source', 'Namespace', 'Name', 'Key', 'Subject', 'Not After', 'Days Left'],
            found.map((c) => [c.severity, c.source, c.namespace ?? '', c.name, c.key ?? '', c.subject ?? c.problem ?? '', c.notAfter ?? '', c.daysLeft]),
          )
        : 'No certificates found.';
      return toolResult(text, { certificates: found, checked: { secrets: secrets.length, certManager: Boolean(certResource), apiServer: args.apiServer } });
    },
    scrubSecretValues(access),
  );
}
