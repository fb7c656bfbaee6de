/** Nodes that are NotReady, under memory/disk/PID pressure, or cordoned. */
import type { AnalyzeOptions, AnalyzerFinding, Condition, Snapshot } from './types.js';
import { conditionLine, label, list, refOf } from './util.js';

const PRESSURES = ['MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

/** A node's condition of one type; with duplicates the last wins, as kubectl reads it (a status patch may leave two). */
const nodeCondition = (conditions: Condition[] | null | undefined, type: string): Condition | undefined => list(conditions).findLast((c) => c?.type === type);

export function analyzeNodes(s: Snapshot, _o: AnalyzeOptions): AnalyzerFinding[] {
  const out: AnalyzerFinding[] = [];
  for (const node of list(s.nodes)) {
    if (!node) continue;
    const object = refOf('Node', node);
    const ready = nodeCondition(node.status?.conditions, 'Ready');
    if (ready && ready.status !== 'True') {
      out.push({
        object,
        analyzer: 'node-not-ready',
        severity: 'critical',
        summary: `${label(object)} is NotReady${ready.reason ? ` (${ready.reason})` : ''}: its pods are not running as they should and new ones are not scheduled there.`,
        evidence: [conditionLine(ready)],
        chain: [`${label(object)}: NotReady`, `${ready.reason ?? 'Ready'}: ${ready.message ?? ready.status ?? ''}`],
        fix: { text: 'check the kubelet and container runtime on the node (journalctl -u kubelet), its network and disk; drain it if it does not recover' },
      });
    }
    for (const p of PRESSURES) {
      const c = nodeCondition(node.status?.conditions, p);
      if (c?.status !== 'True') continue;
      out.push({
        object,
        analyzer: 'node-pressure',
        severity: 'high',
        summary: `${label(object)} is under ${p}: the kubelet evicts pods and the scheduler avoids it.`,
        evidence: [conditionLine(c)],
        chain: [`${label(object)}: ${p}`],
        fix: { text: p === 'DiskPressure' ? 'free disk on the node (images, logs, emptyDir) or grow it' : p === 'MemoryPressure' ? 'set memory requests/limits that reflect real use, or add memory/nodes' : 'find the process that forks without limit, or raise the PID limit' },
      });
    }
    if (node.spec?.unschedulable === true) {
      out.push({
        object,
        analyzer: 'node-cordoned',
        severity: 'low',
        summary: `${label(object)} is cordoned: no new pods are scheduled on it.`,
        evidence: ['spec.unschedulable: true'],
        chain: [`${label(object)}: SchedulingDisabled`],
        fix: { text: 'uncordon it when its maintenance is done', command: ['kubectl', 'uncordon', object.name] },
      });
    }
  }
  return out;
}
