import { describe, expect, it } from 'vitest';
import { maskCredentialKeys, maskCredentialPatterns, maskSecretValues, SecretRedactor } from '../../shared/redact.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

const secret = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: {
    name: 'db',
    namespace: 'shop',
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ kind: 'Secret', stringData: { password: 'hunter2-pass' } }),
    },
  },
  data: { password: b64('hunter2-pass'), user: b64('shop') },
};

describe('maskSecretValues', () => {
  it('masks data, stringData and the last-applied copy, keeping keys and sizes', () => {
    const masked = maskSecretValues({ ...secret, stringData: { token: 'abcdefgh' } });
    const text = JSON.stringify(masked);
    expect(text).not.toContain('hunter2-pass');
    expect(text).not.toContain(b64('hunter2-pass'));
    expect(text).not.toContain('abcdefgh');
    expect(masked.data).toEqual({ password: '*** (12 bytes)', user: '*** (4 bytes)' });
    expect(masked.stringData).toEqual({ token: '*** (8 bytes)' });
  });

  it('is idempotent: masking a masked Secret keeps its sizes', () => {
    const once = maskSecretValues(secret);
    expect(maskSecretValues(once)).toEqual(once);
  });

  it('leaves other kinds untouched', () => {
    const cm = { kind: 'ConfigMap', data: { a: 'b' } };
    expect(maskSecretValues(cm)).toBe(cm);
  });
});

describe('SecretRedactor', () => {
  it('scrubs known values in plain and base64 form from text', () => {
    const r = new SecretRedactor().addSecret(secret);
    const out = r.redactText(`connecting with hunter2-pass (encoded ${b64('hunter2-pass')})`);
    expect(out).not.toContain('hunter2-pass');
    expect(out).not.toContain(b64('hunter2-pass'));
    expect(out).toContain('***');
  });

  it('scrubs each line of a multi-line value', () => {
    const key = 'line-one-of-the-key\nline-two-of-the-key';
    const r = new SecretRedactor().addValue(key);
    expect(r.redactText('log: line-two-of-the-key seen')).toBe('log: *** seen');
  });

  it('does not shred text with values too short to be meaningful', () => {
    const r = new SecretRedactor().addValue('on').addValue('shop');
    expect(r.redactText('turned on in the shop')).toBe('turned on in the shop');
    expect(r.size).toBe(0);
  });

  it('masks Secrets nested anywhere and scrubs every string in a structure', () => {
    const r = new SecretRedactor().addSecret(secret);
    const out = r.redactDeep({ items: [secret], events: [{ message: 'auth failed for hunter2-pass' }] });
    expect(JSON.stringify(out)).not.toMatch(/hunter2-pass|aHVudGVyMi1wYXNz/);
  });
});

describe('maskCredentialPatterns', () => {
  it.each([
    ['Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.payload.sig', 'eyJhbGciOiJSUzI1NiJ9'],
    ['password=SuperSecret99 user=bob', 'SuperSecret99'],
    ['"api_key": "AKIA1234567890"', 'AKIA1234567890'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY-----', 'MIIEabc'],
  ])('scrubs %s', (text, leaked) => {
    expect(maskCredentialPatterns(text)).not.toContain(leaked);
  });

  it('catches credential keys with a prefix (dbPassword: …)', () => {
    expect(maskCredentialPatterns('dbPassword: helm-canary-Pw-4411')).toBe('dbPassword: ***');
  });

  it('leaves settings that merely name a token alone', () => {
    expect(maskCredentialPatterns('automountServiceAccountToken: true\ntokenTTL: 3600')).toBe('automountServiceAccountToken: true\ntokenTTL: 3600');
  });

  it('leaves ordinary text alone', () => {
    expect(maskCredentialPatterns('the password field is required')).toBe('the password field is required');
  });
});

describe('maskCredentialKeys', () => {
  it('masks credential-named values at any depth and keeps the rest', () => {
    const values = { replicaCount: 2, dbPassword: 'pw-123456', auth: { token: 'abc' }, image: { repository: 'nginx' }, apiKeys: ['k'], tokenTTL: 0 };
    expect(maskCredentialKeys(values)).toEqual({ replicaCount: 2, dbPassword: '***', auth: { token: '***' }, image: { repository: 'nginx' }, apiKeys: ['k'], tokenTTL: '***' });
  });
});
