import { describe, expect, it } from 'vitest';
import { maskManifest } from '../../mcp-servers/helm/mask.js';
import { SecretRedactor } from '../../shared/redact.js';

const manifest = `---
# Source: app/templates/cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: app   # keep this comment
data:
  mode: prod
---
# Source: app/templates/secret.yaml
apiVersion: v1
kind: Secret
metadata:
  name: app-db
stringData:
  password: hunter2-hunter2
---
# Source: app/templates/svc.yaml
apiVersion: v1
kind: Service
metadata:
  name: app
`;

describe('maskManifest', () => {
  it('masks Secrets and leaves every other document exactly as rendered', () => {
    const out = maskManifest(manifest, new SecretRedactor());
    expect(out).not.toContain('hunter2-hunter2');
    expect(out).toContain('password: "*** (15 bytes)"');
    expect(out).toContain('# Source: app/templates/secret.yaml\napiVersion: v1\nkind: Secret');
    expect(out.slice(0, manifest.indexOf('---\n# Source: app/templates/secret.yaml'))).toBe(manifest.slice(0, manifest.indexOf('---\n# Source: app/templates/secret.yaml')));
    expect(out.endsWith('---\n# Source: app/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: app\n')).toBe(true);
  });

  it('scrubs known values from a manifest it cannot parse', () => {
    const out = maskManifest('kind: [broken\npassword-ish: hunter2-hunter2', new SecretRedactor().addValue('hunter2-hunter2'));
    expect(out).not.toContain('hunter2-hunter2');
  });
});
