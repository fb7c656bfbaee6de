import { describe, expect, it } from 'vitest';
import { ToolPolicy } from '../../shared/mcp/policy.js';
import { age, budgetText, cleanObject, fieldName, renderTable, viewTable } from '../../mcp-servers/kubernetes/format.js';
import { rolloutStatus } from '../../mcp-servers/kubernetes/rollout.js';
import { cpuCores, memoryBytes } from '../../mcp-servers/kubernetes/tools/top.js';

describe('kubectl-like tables', () => {
  it('pads columns three spaces apart with upper-case headers and <none> for nulls', () => {
    expect(renderTable(['Name', 'Ready', 'Node'], [['web-1', '1/1', null], ['database-0', '0/1', 'worker-2']])).toBe(
      ['NAME         READY   NODE', 'web-1        1/1     <none>', 'database-0   0/1     worker-2'].join('\n'),
    );
  });

  it('keeps priority-0 columns unless wide, and adds NAMESPACE across namespaces', () => {
    const table = {
      columnDefinitions: [
        { name: 'Name', type: 'string', priority: 0 },
        { name: 'Status', type: 'string', priority: 0 },
        { name: 'Nominated Node', type: 'string', priority: 1 },
      ],
      rows: [{ cells: ['p1', 'Running', null], object: { metadata: { namespace: 'shop' } } }],
    };
    const narrow = viewTable(table, { wide: false, withNamespace: true });
    expect(narrow.columns).toEqual(['Namespace', 'Name', 'Status']);
    expect(narrow.items).toEqual([{ namespace: 'shop', name: 'p1', status: 'Running' }]);
    expect(viewTable(table, { wide: true, withNamespace: false }).items[0]).toEqual({ name: 'p1', status: 'Running', nominatedNode: null });
  });

  it('turns column names into JSON keys', () => {
    expect(fieldName('UP-TO-DATE')).toBe('upToDate');
    expect(fieldName('Nominated Node')).toBe('nominatedNode');
  });
});

describe('helpers', () => {
  it('age reads like kubectl', () => {
    const now = Date.parse('2026-11-22T12:00:00Z');
    expect(age('2026-11-22T11:59:30Z', now)).toBe('30s');
    expect(age('2026-11-22T11:00:00Z', now)).toBe('60m');
    expect(age('2026-11-21T00:00:00Z', now)).toBe('36h');
    expect(age('2026-11-01T00:00:00Z', now)).toBe('21d');
  });

  it('budgetText cuts on a line and says what was left out', () => {
    const out = budgetText('a\nb\nc\nd\n', 4, 'narrow it');
    expect(out.truncated).toBe(true);
    expect(out.text).toBe('a\nb\n… 2 more lines not shown — narrow it');
  });

  it('cleanObject drops managedFields and masks Secrets', () => {
    const clean = cleanObject({ kind: 'Secret', metadata: { name: 's', managedFields: [{}] }, data: { k: Buffer.from('value-123').toString('base64') } });
    expect(clean.metadata).toEqual({ name: 's' });
    expect(clean.data).toEqual({ k: '*** (9 bytes)' });
  });
});

describe('rolloutStatus', () => {
  const deploy = (status: Record<string, unknown>, replicas = 2) => ({ kind: 'Deployment', metadata: { name: 'web', generation: 2 }, spec: { replicas }, status: { observedGeneration: 2, ...status } });
  it.each([
    [deploy({ updatedReplicas: 1, replicas: 2, availableReplicas: 1 }), false, '1 out of 2 new replicas have been updated'],
    [deploy({ updatedReplicas: 2, replicas: 3, availableReplicas: 2 }), false, '1 old replicas are pending termination'],
    [deploy({ updatedReplicas: 2, replicas: 2, availableReplicas: 1 }), false, '1 of 2 updated replicas are available'],
    [deploy({ updatedReplicas: 2, replicas: 2, availableReplicas: 2 }), true, 'successfully rolled out'],
    [deploy({ conditions: [{ type: 'Progressing', reason: 'ProgressDeadlineExceeded' }] }), false, 'exceeded its progress deadline'],
    [{ ...deploy({}), metadata: { name: 'web', generation: 3 } }, false, 'spec update to be observed'],
  ])('%#', (workload, done, message) => {
    const s = rolloutStatus(workload);
    expect(s.done).toBe(done);
    expect(s.message).toContain(message);
  });
});

describe('ToolPolicy', () => {
  const policy = new ToolPolicy({ allowWrites: false, denyTools: ['k8s_logs'], deniedKinds: ['Secrets'], protectedNamespaces: ['kube-system'] });
  it('is read-only by default and honours deny lists and denied kinds', () => {
    expect(policy.exposes('k8s_list', 'read')).toBe(true);
    expect(policy.exposes('k8s_apply', 'write')).toBe(false);
    expect(() => policy.assertTool('k8s_apply', 'write')).toThrow(/read-only/);
    expect(() => policy.assertTool('k8s_logs', 'read')).toThrow(/disabled by policy/);
    expect(() => policy.assertKind({ plural: 'secrets', singular: 'secret', kind: 'Secret' })).toThrow(/denied by policy/);
    expect(() => policy.assertWritableNamespace('kube-system')).toThrow(/protected/);
  });
});

describe('resource quantities', () => {
  it.each([
    ['250m', 0.25],
    ['2', 2],
    ['1500000n', 0.0015],
  ])('cpu %s', (q, cores) => expect(cpuCores(q)).toBeCloseTo(cores, 9));
  it.each([
    ['128Mi', 128 * 1024 ** 2],
    ['1Gi', 1024 ** 3],
    ['5e6', 5e6],
    ['10k', 10_000],
  ])('memory %s', (q, bytes) => expect(memoryBytes(q)).toBe(bytes));
});
