/**
 * The observability agent: metrics answers backed by PromQL (names matched against the live
 * cluster), scrape targets and alerts, over the prometheus and kubernetes MCP servers' read
 * tools; forecasts and anomaly detection over metric history. Skills: cards/observability.json.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { AgentContext, AgentDefinition } from '../../shared/a2a/agent.js';
import type { ToolBox } from '../../shared/reasoning/engine.js';
import { mcpToolBox } from '../../shared/reasoning/toolbox.js';
import { AGENT } from './card.js';
import { createObservabilityHandler } from './handler.js';
import { llmFallback } from '../../shared/reasoning/llm/fallback.js';

export const PROMETHEUS_TOOLS = ['prom_query', 'prom_query_range', 'prom_targets', 'prom_alerts', 'prom_rules', 'prom_series', 'prom_labels', 'prom_label_values', 'prom_metadata'] as const;
export const KUBERNETES_TOOLS = ['k8s_list', 'k8s_get', 'k8s_top', 'k8s_namespaces', 'k8s_nodes', 'k8s_events'] as const;

export const OBSERVABILITY_PROMPT = [
  'You are the observability specialist of a crew of Kubernetes agents. You answer questions about metrics with PromQL against the cluster\'s Prometheus:',
  'resource usage of namespaces, workloads, pods and nodes, the heaviest consumers, restarts, scrape targets and alerts.',
  'Useful series: container_cpu_usage_seconds_total and container_memory_working_set_bytes (labels namespace, pod, container, node), node_cpu_usage_seconds_total, node_memory_working_set_bytes, kube-state-metrics kube_* series.',
  'Use rate(...[5m]) for counters. Always show the PromQL you ran, and give values with units (cores, MiB). Use k8s_list to find exact names. You only read.',
].join('\n');

/** Several tool boxes as one: a call goes to the box that lists the tool. */
function mergeToolBoxes(boxes: ToolBox[]): ToolBox {
  let owners: Map<string, ToolBox> | undefined;
  const index = async () => {
    if (owners) return owners;
    const map = new Map<string, ToolBox>();
    for (const box of boxes) for (const t of await box.listTools()) if (!map.has(t.name)) map.set(t.name, box);
    owners = map;
    return map;
  };
  return {
    listTools: async () => (await Promise.all(boxes.map((b) => b.listTools()))).flat() as Tool[],
    callTool: async (name, args, signal) => {
      const box = (await index()).get(name);
      if (!box) return { isError: true, content: [{ type: 'text', text: `tool ${name} is not one of this agent's tools` }] };
      return box.callTool(name, args, signal);
    },
  };
}

export function createObservabilityAgent(ctx: AgentContext): AgentDefinition {
  const prometheus = ctx.mcp.prometheus ? mcpToolBox(ctx.mcp.prometheus, PROMETHEUS_TOOLS) : undefined;
  const kubernetes = ctx.mcp.kubernetes ? mcpToolBox(ctx.mcp.kubernetes, KUBERNETES_TOOLS) : undefined;
  const fallback = llmFallback({
    agent: AGENT,
    config: ctx.config,
    logger: ctx.logger,
    tools: mergeToolBoxes([prometheus, kubernetes].filter((b): b is ToolBox => b !== undefined)),
    systemPrompt: OBSERVABILITY_PROMPT,
    skills: 'metrics-query: CPU, memory and restarts of a namespace, workload, pod or node, top consumers, with the PromQL; targets-and-alerts: scrape targets and firing alerts; forecast: when a container\'s memory reaches its limit; anomalies: unusual CPU and memory of pods over recent hours',
  });
  return { name: AGENT, mcpServers: ['prometheus', 'kubernetes'], handler: createObservabilityHandler({ prometheus, kubernetes, fallback }) };
}
