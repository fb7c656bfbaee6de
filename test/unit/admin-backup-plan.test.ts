import { describe, expect, it } from 'vitest';
import { backupPlan, namedNamespaces, renderBackupPlan } from '../../agents/admin/backup-plan.js';
import { chooseAdminSkill } from '../../agents/admin/skills.js';

describe('namespace backup plan', () => {
  it('finds the namespaces a request names, whole words only', () => {
    expect(namedNamespaces('Back up namespaces shop and cart', ['shop', 'cart', 'shop-dev', 'default'])).toEqual(['shop', 'cart']);
    expect(namedNamespaces('Back up the shop-dev namespace', ['shop', 'shop-dev'])).toEqual(['shop-dev']);
    expect(namedNamespaces('Back up everything', ['shop'])).toEqual([]);
  });

  it('counts what the backup keeps: not kube-root-ca.crt, the default ServiceAccount or token Secrets', () => {
    const plan = backupPlan(['shop'], [
      { namespace: 'shop', kind: 'ConfigMap', rows: [{ name: 'kube-root-ca.crt' }, { name: 'settings' }] },
      { namespace: 'shop', kind: 'ServiceAccount', rows: [{ name: 'default' }] },
      { namespace: 'shop', kind: 'Secret', rows: [{ name: 'db', type: 'Opaque' }, { name: 'old-token', type: 'kubernetes.io/service-account-token' }] },
      { namespace: 'shop', kind: 'Deployment', rows: [{ name: 'web' }, { name: 'api' }] },
    ]);
    expect(plan.counts).toEqual([
      { namespace: 'shop', kind: 'ConfigMap', count: 1 },
      { namespace: 'shop', kind: 'Secret', count: 1 },
      { namespace: 'shop', kind: 'Deployment', count: 2 },
    ]);
    expect(plan.secrets).toBe(1);
    expect(plan.commands.create).toBe('k8s-experts backup create --namespace shop --out shop-backup.tar.gz --key-file <key file>   # or --secrets exclude');
    const text = renderBackupPlan(plan);
    expect(text).toContain('about 4 objects');
    expect(text).toContain('1 Secret: encrypted with AES-256-GCM');
  });

  it('several namespaces go into one file', () => {
    expect(backupPlan(['shop', 'cart'], []).commands.restoreApply).toBe('k8s-experts backup restore namespaces-backup.tar.gz --key-file <key file> --apply');
  });
});

describe('admin routing for the lifecycle skills', () => {
  it.each([
    ['Back up namespace shop', 'namespace-backup'],
    ['How do I restore the payments namespace from a backup?', 'namespace-backup'],
    ['How do I back up etcd?', 'etcd-backup'],
    ['Plan a rolling upgrade of all nodes', 'node-maintenance'],
    ['In which order can I drain worker-1 and worker-2?', 'node-maintenance'],
    ['Can I take worker-3 down for maintenance?', 'node-maintenance'],
    ['Which nodes are cordoned?', 'node-health'],
    ['Is the cluster ready to upgrade?', 'upgrade-readiness'],
    ['Which PDBs block an upgrade?', 'upgrade-readiness'],
    ['When does the TLS certificate of shop expire?', 'certificates'],
  ])('%s → %s', (text, skill) => {
    expect(chooseAdminSkill(text)).toBe(skill);
  });
});
