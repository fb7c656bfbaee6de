import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { summarizePod } from '../../shared/pod-status.js';

const pod = (status: V1Pod['status'], spec: Partial<NonNullable<V1Pod['spec']>> = {}, deleting = false): V1Pod => ({
  metadata: { name: 'p', ...(deleting ? { deletionTimestamp: new Date() } : {}) },
  spec: { containers: [{ name: 'app' }], ...spec },
  status,
});

describe('summarizePod (kubectl STATUS column)', () => {
  it('Running and ready', () => {
    const s = summarizePod(pod({ phase: 'Running', containerStatuses: [{ name: 'app', image: 'x', imageID: '', ready: true, restartCount: 0, state: { running: {} } }] }));
    expect(s).toMatchObject({ status: 'Running', ready: '1/1', restarts: 0 });
  });

  it('CrashLoopBackOff with restarts', () => {
    const s = summarizePod(
      pod({ phase: 'Running', containerStatuses: [{ name: 'app', image: 'x', imageID: '', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }),
    );
    expect(s).toMatchObject({ status: 'CrashLoopBackOff', ready: '0/1', restarts: 4 });
  });

  it('Completed job pod', () => {
    const s = summarizePod(
      pod({ phase: 'Succeeded', containerStatuses: [{ name: 'app', image: 'x', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }),
    );
    expect(s.status).toBe('Completed');
  });

  it('Pending and unschedulable, with the scheduler reason', () => {
    const s = summarizePod(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] }));
    expect(s.status).toBe('Pending');
    expect(s.scheduling).toEqual({ reason: 'Unschedulable', message: '0/3 nodes are available' });
  });

  it('init container failing', () => {
    const s = summarizePod(
      pod(
        { phase: 'Pending', initContainerStatuses: [{ name: 'init', image: 'x', imageID: '', ready: false, restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
        { initContainers: [{ name: 'init' }] },
      ),
    );
    expect(s).toMatchObject({ status: 'Init:CrashLoopBackOff', restarts: 2 });
  });

  it('exit code without a reason', () => {
    const s = summarizePod(pod({ phase: 'Failed', containerStatuses: [{ name: 'app', image: 'x', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 137 } } }] }));
    expect(s.status).toBe('ExitCode:137');
  });

  it('Terminating wins while deleting', () => {
    expect(summarizePod(pod({ phase: 'Running' }, {}, true)).status).toBe('Terminating');
  });
});
