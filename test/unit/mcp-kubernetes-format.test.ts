import { describe, expect, it } from 'vitest';
import { ToolPolicy } from '../../shared/mcp/policy.js';
import { age, budgetText, cleanObject, cutTable, fieldName, GROUPED_VIEW_MIN_ROWS, groupRows, renderTable, type ServerTable, viewPage, viewTable } from '../../mcp-servers/kubernetes/format.js';
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

/** A pod Table as the API serves it: NAME READY STATUS RESTARTS AGE (+ IP when wide). */
function podTable(pods: Array<[namespace: string, name: string, ready: string, status: string, restarts: string, age: string, ip?: string]>): ServerTable {
  return {
    columnDefinitions: [
      { name: 'Name', type: 'string', priority: 0 },
      { name: 'Ready', type: 'string', priority: 0 },
      { name: 'Status', type: 'string', priority: 0 },
      { name: 'Restarts', type: 'string', priority: 0 },
      { name: 'Age', type: 'string', priority: 0 },
      { name: 'IP', type: 'string', priority: 1 },
    ],
    rows: pods.map(([namespace, name, ready, status, restarts, age, ip]) => ({ cells: [name, ready, status, restarts, age, ip ?? null], object: { metadata: { namespace, name } } })),
  };
}

describe('grouped view', () => {
  const pods = podTable([
    ['shop', 'web-a', '1/1', 'Running', '0', '5m'],
    ['shop', 'web-b', '1/1', 'Running', '0', '5m'],
    ['shop', 'catalog-x', '0/1', 'CreateContainerConfigError', '0', '5m'],
    ['shop', 'web-c', '1/1', 'Running', '0', '5m'],
    ['shop', 'web-d', '1/1', 'Running', '0', '12m'],
    ['payments', 'api-1', '1/1', 'Running', '0', '5m'],
    ['payments', 'api-2', '0/1', 'CrashLoopBackOff', '4 (20s ago)', '5m'],
  ]);

  it('merges rows that differ only by name, per namespace, in the order they came', () => {
    const grouped = groupRows(cutTable(pods, { wide: false, withNamespace: true }));
    expect(grouped.columns).toEqual(['Namespace', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(grouped.groups).toEqual([
      { namespace: 'shop', ready: '1/1', status: 'Running', restarts: '0', age: '5m', count: 3, names: ['web-a', 'web-b', 'web-c'] },
      { namespace: 'shop', ready: '0/1', status: 'CreateContainerConfigError', restarts: '0', age: '5m', count: 1, names: ['catalog-x'] },
      { namespace: 'shop', ready: '1/1', status: 'Running', restarts: '0', age: '12m', count: 1, names: ['web-d'] },
      // same values as shop's first group, another namespace: its own line
      { namespace: 'payments', ready: '1/1', status: 'Running', restarts: '0', age: '5m', count: 1, names: ['api-1'] },
      { namespace: 'payments', ready: '0/1', status: 'CrashLoopBackOff', restarts: '4 (20s ago)', age: '5m', count: 1, names: ['api-2'] },
    ]);
    expect(grouped.text.split('\n').slice(0, 2)).toEqual([
      'NAMESPACE   READY   STATUS                       RESTARTS      AGE   COUNT   NAMES',
      'shop        1/1     Running                      0             5m    3       web-a web-b web-c',
    ]);
  });

  it('names every object exactly once', () => {
    const cut = cutTable(pods, { wide: false, withNamespace: true });
    const named = groupRows(cut).groups.flatMap((g) => g.names);
    expect(named.sort()).toEqual([...cut.names].sort());
    expect(named).toHaveLength(7);
  });

  it('takes names from the objects when the Name column is not shown, and keeps a Count column apart from its own count', () => {
    const events: ServerTable = {
      columnDefinitions: [
        { name: 'Reason', type: 'string', priority: 0 },
        { name: 'Count', type: 'integer', priority: 1 },
        { name: 'Name', type: 'string', priority: 1 },
      ],
      rows: [
        { cells: ['BackOff', 7, 'ev-1'], object: { metadata: { name: 'ev-1' } } },
        { cells: ['BackOff', 7, 'ev-2'], object: { metadata: { name: 'ev-2' } } },
      ],
    };
    expect(groupRows(cutTable(events, { wide: false, withNamespace: false })).groups).toEqual([{ reason: 'BackOff', count: 2, names: ['ev-1', 'ev-2'] }]);
    expect(groupRows(cutTable(events, { wide: true, withNamespace: false })).groups).toEqual([{ reason: 'BackOff', countColumn: 7, count: 2, names: ['ev-1', 'ev-2'] }]);
  });

  const many = (n: number, ip: (i: number) => string | undefined) =>
    cutTable(podTable(Array.from({ length: n }, (_, i) => ['bench', `web-${i}`, '1/1', 'Running', '0', '5m', ip(i)] as [string, string, string, string, string, string, string?])), { wide: true, withNamespace: true });

  it('auto keeps pages up to the default page size as rows, groups larger ones, and forced views win', () => {
    expect(viewPage(many(GROUPED_VIEW_MIN_ROWS, () => '10.0.0.1'), 'auto').view).toBe('rows');
    const big = viewPage(many(GROUPED_VIEW_MIN_ROWS + 1, () => '10.0.0.1'), 'auto');
    expect(big.view).toBe('grouped');
    expect(big.view === 'grouped' && big.groups).toEqual([expect.objectContaining({ ip: '10.0.0.1', count: 101 })]);
    expect(viewPage(many(3, () => '10.0.0.1'), 'grouped').view).toBe('grouped');
    const rows = viewPage(many(150, () => '10.0.0.1'), 'rows');
    expect(rows.view === 'rows' && rows.items).toHaveLength(150);
  });

  it('auto lists rows when grouping would not halve the lines (every pod its own IP)', () => {
    expect(viewPage(many(150, (i) => `10.0.0.${i}`), 'auto').view).toBe('rows');
    expect(viewPage(many(150, (i) => `10.0.0.${i % 75}`), 'auto').view).toBe('grouped');
    expect(viewPage(many(150, (i) => `10.0.0.${i % 76}`), 'auto').view).toBe('rows');
  });

  it('keeps AGE as printed: pods differing only by age stay apart', () => {
    const aged = podTable([
      ['bench', 'a', '1/1', 'Running', '0', '4m59s'],
      ['bench', 'b', '1/1', 'Running', '0', '5m'],
      ['bench', 'c', '1/1', 'Running', '0', '5m'],
    ]);
    expect(groupRows(cutTable(aged, { wide: false, withNamespace: false })).groups.map((g) => [g.age, g.names])).toEqual([
      ['4m59s', ['a']],
      ['5m', ['b', 'c']],
    ]);
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
