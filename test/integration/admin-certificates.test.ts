/**
 * Certificate expiry end to end: certificates generated here with openssl (one expired, one
 * expiring in 5 days, one fine), stored as TLS Secrets in adm-h5-certs, read through the MCP
 * tool k8s_certificates and through the admin agent over A2A. No PEM or key text may come out.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client as A2aClient } from '@a2a-js/sdk/client';
import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAdminAgent } from '../../agents/admin/index.js';
import { type RunningAgent } from '../../shared/a2a/serve.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { askCompleted, serveForTest } from '../helpers/a2a.js';
import { call, kubernetesClient, textOf } from '../helpers/mcp.js';

const NS = 'adm-h5-certs';
const dir = mkdtempSync(join(tmpdir(), 'k8sx-h5-certs-'));
const ssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
const kubectl = (args: string[], input?: string) => execFileSync(inject('kubectl'), args, { env: { ...process.env, KUBECONFIG: inject('kubeconfig') }, encoding: 'utf8', stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], ...(input === undefined ? {} : { input }) });
const read = (f: string) => readFileSync(join(dir, f), 'utf8');

/** A CA-signed leaf valid for `days` (-1: its notAfter is a day ago, so it is expired). */
function leaf(name: string, days: number): void {
  ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}.h5.test`, '-addext', `subjectAltName=DNS:${name}.h5.test`]);
  ssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', String(100 + days), '-days', String(days), '-copy_extensions', 'copy', '-out', `${name}.crt`]);
}

const logger = createLogger({ level: 'silent' });
let mcp: McpClient;
let agent: RunningAgent;
let client: A2aClient;
let secretTexts: string[] = [];

beforeAll(async () => {
  ssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '365', '-subj', '/CN=h5-test-ca']);
  leaf('expired', -1);
  leaf('soon', 5);
  leaf('fine', 200);
  kubectl(['create', 'namespace', NS]);
  for (const name of ['expired', 'soon', 'fine']) kubectl(['-n', NS, 'create', 'secret', 'tls', `${name}-tls`, '--cert', join(dir, `${name}.crt`), '--key', join(dir, `${name}.key`)]);
  // Every line of every PEM and key body: none may appear in any output.
  secretTexts = ['expired', 'soon', 'fine'].flatMap((n) => [read(`${n}.crt`), read(`${n}.key`)]).flatMap((t) => t.split('\n').filter((l) => l.length > 40));
  const cfgDir = mkdtempSync(join(tmpdir(), 'k8sx-admin-certs-'));
  const config = loadConfig({ env: { K8S_EXPERTS_DATA_DIR: join(cfgDir, 'data') }, cwd: cfgDir });
  mcp = await kubernetesClient(inject('kubeconfig'));
  ({ agent, client } = await serveForTest(createAdminAgent({ config, logger, mcp: { kubernetes: mcp } }), config, logger));
});

afterAll(async () => {
  await agent?.close();
  await mcp?.close();
  try {
    kubectl(['delete', 'namespace', NS, '--wait=false']);
  } catch {
    // already gone
  }
});

interface Entry {
  source: string;
  namespace: string | null;
  name: string;
  key: string | null;
  subject: string | null;
  issuer: string | null;
  sans: string[];
  notAfter: string | null;
  daysLeft: number | null;
  severity: string;
  selfSigned: boolean | null;
  isCA: boolean | null;
}

const noSecretText = (out: string) => {
  expect(out).not.toMatch(/-----BEGIN|PRIVATE KEY/);
  for (const line of secretTexts) expect(out).not.toContain(line);
};

describe('k8s_certificates and the certificates skill on the demo cluster', () => {
  it('the MCP tool returns metadata only, with severities by days left', async () => {
    const r = await call(mcp, 'k8s_certificates', { namespace: NS });
    expect(r.isError).toBeFalsy();
    const certs = (r.structuredContent as { certificates: Entry[] }).certificates;
    const mine = certs.filter((c) => c.namespace === NS);
    expect(mine.map((c) => [c.name, c.key, c.severity])).toEqual([
      ['expired-tls', 'tls.crt', 'critical'],
      ['soon-tls', 'tls.crt', 'high'],
      ['fine-tls', 'tls.crt', 'ok'],
    ]);
    const soon = mine.find((c) => c.name === 'soon-tls')!;
    expect(soon).toMatchObject({ subject: 'CN=soon.h5.test', issuer: 'CN=h5-test-ca', sans: ['DNS:soon.h5.test'], selfSigned: false, isCA: false });
    expect(soon.daysLeft).toBeGreaterThanOrEqual(4);
    expect(soon.daysLeft).toBeLessThanOrEqual(5);
    expect(mine.find((c) => c.name === 'expired-tls')!.daysLeft).toBeLessThan(0);
    // The API server's serving certificate, from a TLS handshake to the loopback kubeconfig server.
    const api = certs.find((c) => c.source === 'apiserver')!;
    expect(api.name).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(api.notAfter).toBeTruthy();
    expect(api.sans.length).toBeGreaterThan(0);
    noSecretText(textOf(r));
    noSecretText(JSON.stringify(r));
  });

  it('cert-manager Certificates, when the CRD is served: their status (notAfter, renewal, Ready) with a severity', async () => {
    // cert-manager's Certificate CRD, reduced to what the tool reads (a cluster without cert-manager has none).
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'certificates.cert-manager.io' },
      spec: {
        group: 'cert-manager.io',
        names: { kind: 'Certificate', listKind: 'CertificateList', plural: 'certificates', singular: 'certificate', shortNames: ['cert'] },
        scope: 'Namespaced',
        versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    };
    const existed = kubectl(['get', 'crd', 'certificates.cert-manager.io', '--ignore-not-found', '-o', 'name']).trim() !== '';
    if (!existed) kubectl(['apply', '-f', '-'], JSON.stringify(crd));
    try {
      kubectl(['wait', '--for=condition=Established', 'crd/certificates.cert-manager.io', '--timeout=60s']);
      const notAfter = new Date(Date.now() + 3 * 86_400_000 + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
      const cert = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'shop-cert', namespace: NS }, spec: { secretName: 'shop-tls', commonName: 'shop.h5.test', dnsNames: ['shop.h5.test'], issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt' } } };
      // The CRD may take a moment to be usable after Established.
      for (let i = 0; ; i++) {
        try {
          kubectl(['apply', '-f', '-'], JSON.stringify(cert));
          break;
        } catch (e) {
          if (i > 20) throw e;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      kubectl(['patch', 'certificate', 'shop-cert', '-n', NS, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { notAfter, renewalTime: notAfter, conditions: [{ type: 'Ready', status: 'False', reason: 'Renewing', message: 'Renewing certificate as renewal was scheduled' }] } })]);
      // A fresh server: the API discovery a running one holds is cached for a minute.
      const fresh = await kubernetesClient(inject('kubeconfig'));
      const r = await call(fresh, 'k8s_certificates', { namespace: NS }).finally(() => fresh.close());
      const certs = (r.structuredContent as { certificates: Array<Entry & { ready: boolean | null; problem: string | null }> }).certificates;
      expect(certs.find((c) => c.source === 'cert-manager')).toMatchObject({ name: 'shop-cert', namespace: NS, key: 'shop-tls', subject: 'CN=shop.h5.test', issuer: 'ClusterIssuer/letsencrypt', sans: ['DNS:shop.h5.test'], notAfter, daysLeft: 3, severity: 'high', ready: false, problem: 'not Ready: Renewing Renewing certificate as renewal was scheduled' });
    } finally {
      kubectl(['delete', 'certificate', 'shop-cert', '-n', NS, '--ignore-not-found']);
      if (!existed) kubectl(['delete', 'crd', 'certificates.cert-manager.io', '--ignore-not-found']);
    }
  });

  it('the admin agent answers over A2A: expired critical, 5 days high, nothing but metadata', async () => {
    const r = await askCompleted(client, 'Which certificates expire soon?');
    expect(r.data).toMatchObject({ skill: 'certificates', chosenBy: 'agent' });
    const certs = (r.data.certificates as Entry[]).filter((c) => c.namespace === NS);
    expect(Object.fromEntries(certs.map((c) => [c.name, c.severity]))).toEqual({ 'expired-tls': 'critical', 'soon-tls': 'high', 'fine-tls': 'ok' });
    expect((r.data.counts as Record<string, number>).critical).toBeGreaterThanOrEqual(1);
    expect(r.text).toMatch(/\[critical\] Secret adm-h5-certs\/expired-tls \(tls\.crt\): expired \d+ day\(s\) ago/);
    expect(r.text).toMatch(/\[high\] Secret adm-h5-certs\/soon-tls \(tls\.crt\): expires in [45] day\(s\)/);
    expect(r.text).not.toContain('fine-tls');
    noSecretText(r.text);
    noSecretText(JSON.stringify(r.data));
  });
});
