/** The node-maintenance skill: which nodes a request means, the plan over live reads, text + data. */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { TaskResult } from '../../shared/a2a/parts.js';
import { renderTable } from '../../shared/table.js';
import { planMaintenance, renderMaintenancePlan } from './maintenance.js';
import { MaintenanceReads } from './maintenance-reads.js';

const ALL = /\b(all|every|each)\s+(the\s+)?nodes?\b|\brolling\b|\bwhole cluster\b|\bcluster upgrade\b/i;

/** The nodes a request names: "all" (rolling), the node names it mentions, or none. */
export function maintenanceTargets(text: string, nodeNames: string[]): string[] {
  if (ALL.test(text)) return [...nodeNames];
  return nodeNames.filter((n) => new RegExp(`(^|[^\\w.-])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w.-])`, 'i').test(text));
}

export async function nodeMaintenanceSkill(client: Client, text: string, progress: (t: string) => void, signal?: AbortSignal): Promise<TaskResult> {
  const reads = MaintenanceReads.over(client, signal);
  progress('Reading nodes');
  const nodes = await reads.nodes();
  const targets = maintenanceTargets(text, nodes.map((n) => n.name));
  if (!targets.length) {
    return {
      text: `Which nodes should be maintained? Name one or more (${nodes.map((n) => n.name).join(', ')}), or say "all nodes" for a rolling upgrade.`,
      data: { skill: 'node-maintenance', error: 'no-target', nodes: nodes.map((n) => n.name) },
    };
  }
  progress(`Reading the pods on the nodes and the PodDisruptionBudgets`);
  const [pods, pdbs] = await Promise.all([reads.pods(), reads.pdbs()]);
  const plan = planMaintenance({ targets, nodes, pods, pdbs });
  return { text: renderMaintenancePlan(plan, renderTable), data: { skill: 'node-maintenance', ...plan } };
}
