/**
 * The security agent: posture reports of the live cluster and reviews of manifests not applied
 * yet, over the kubernetes MCP server's read tools. Skills: cards/security.json.
 */
import type { AgentContext, AgentDefinition } from '../../shared/a2a/agent.js';
import { mcpToolBox } from '../../shared/reasoning/toolbox.js';
import { AGENT } from './card.js';
import { createSecurityHandler } from './handler.js';
import { llmFallback } from '../../shared/reasoning/llm/fallback.js';
import { securitySettings } from './settings.js';

/** The kubernetes tools the agent reads with (the LLM path gets the same, read-only ones). */
export const SECURITY_TOOLS = ['k8s_list', 'k8s_get', 'k8s_describe', 'k8s_namespaces', 'k8s_api_resources', 'k8s_can_i', 'k8s_events'] as const;

export const SECURITY_PROMPT = [
  'You are the security specialist of a crew of Kubernetes agents. You assess security posture and compliance:',
  'Pod Security Standards (every baseline and restricted control: privileged, host namespaces and ports, hostPath, capabilities, AppArmor,',
  'SELinux, seccomp, sysctls, /proc mount, runAsNonRoot, allowPrivilegeEscalation, volume types), RBAC risk (cluster-admin and default',
  'ServiceAccount bindings, wildcards, Secret reads, escalate/bind/impersonate, pods/exec), NetworkPolicy coverage (default deny, pods no',
  'policy selects), Secrets exposure (never print a secret value: name keys only), image policy (tags, digests, registries, pull policy)',
  'and workload hygiene (read-only root filesystem, liveness/readiness probes, replicas, PodDisruptionBudgets, spread, priority class,',
  'the default ServiceAccount token).',
  'Read objects with the tools; give each finding a severity, the object, the evidence and a fix. You only read: never change the cluster.',
].join('\n');

export function createSecurityAgent(ctx: AgentContext): AgentDefinition {
  // Read at start so a bad allow-list fails the agent's start with a user error, not a request.
  const { allowedRegistries } = securitySettings(ctx.config);
  const client = ctx.mcp.kubernetes;
  const tools = client ? mcpToolBox(client, SECURITY_TOOLS) : undefined;
  const fallback = llmFallback({
    agent: AGENT,
    config: ctx.config,
    logger: ctx.logger,
    tools: tools ?? { listTools: async () => [], callTool: async () => ({ isError: true, content: [{ type: 'text', text: 'no kubernetes MCP server is connected' }] }) },
    systemPrompt: SECURITY_PROMPT,
    skills: 'posture-report: a security report of a namespace or the cluster; review-manifest: security review of YAML you send',
  });
  return { name: AGENT, mcpServers: ['kubernetes'], handler: createSecurityHandler({ tools, fallback, allowedRegistries }) };
}
