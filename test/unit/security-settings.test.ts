import { describe, expect, it } from 'vitest';
import { securitySettings } from '../../agents/security/settings.js';
import { UserError } from '../../shared/errors.js';

describe('security agent settings (config security.allowedRegistries)', () => {
  it('an empty allow-list when the config has no security section (the registry check stays off)', () => {
    expect(securitySettings({ log: { level: 'info' } })).toEqual({ allowedRegistries: [] });
    expect(securitySettings(undefined)).toEqual({ allowedRegistries: [] });
  });

  it('registry hosts, lower-cased, trimmed and de-duplicated', () => {
    expect(securitySettings({ security: { allowedRegistries: [' GHCR.io', 'registry.example.com:5000', 'ghcr.io'] } })).toEqual({ allowedRegistries: ['ghcr.io', 'registry.example.com:5000'] });
  });

  it('a malformed allow-list is a user error naming the setting and the fix, never an open list', () => {
    const bad = (value: unknown) => {
      try {
        securitySettings({ security: { allowedRegistries: value } });
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const notList = bad('ghcr.io');
    expect(notList).toBeInstanceOf(UserError);
    expect((notList as UserError).message).toMatch(/^invalid configuration: setting security\.allowedRegistries: /);
    const withPath = bad(['ghcr.io/acme']);
    expect(withPath).toBeInstanceOf(UserError);
    expect((withPath as UserError).message).toContain('security.allowedRegistries.0');
    expect((withPath as UserError).message).toContain('expected a registry host');
  });
});
