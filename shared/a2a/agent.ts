/**
 * What every agent folder hands the wiring (`k8s-experts start`, compose, tests): its name and
 * the task handler behind its card. MCP servers reach an agent as clients made by the wiring —
 * in memory in one process, Streamable HTTP across processes — so agents never import a server.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { TaskHandler } from './executor.js';

export const SPECIALISTS = ['ops', 'observability', 'security', 'dev', 'admin', 'guardian'] as const;
export type SpecialistName = (typeof SPECIALISTS)[number];
export type AgentName = SpecialistName | 'router';

export type McpServerName = 'kubernetes' | 'helm' | 'prometheus';

/** The MCP servers an agent may use, as connected clients; an agent names the ones it needs. */
export type McpClients = Partial<Record<McpServerName, Client>>;

export interface AgentContext {
  config: Config;
  logger: Logger;
  mcp: McpClients;
}

export interface AgentDefinition {
  name: AgentName;
  /** The MCP servers this agent needs; the wiring connects exactly these. */
  mcpServers: readonly McpServerName[];
  handler: TaskHandler;
  close?(): Promise<void>;
}

/** The data part a caller (the router) may send to pick a skill instead of letting the agent choose. */
export interface SkillRequest {
  skill?: string;
}

/**
 * The skill the caller asked for: the first data part `{ skill }` that names one. `unknown` when
 * it names a skill the agent does not have, so the agent can say so instead of guessing.
 */
export function requestedSkill<T extends string>(data: readonly unknown[], skills: readonly T[]): { skill: T } | { unknown: string } | undefined {
  const named = data.find((d): d is Required<SkillRequest> => typeof d === 'object' && d !== null && !Array.isArray(d) && typeof (d as SkillRequest).skill === 'string')?.skill;
  if (named === undefined) return undefined;
  return (skills as readonly string[]).includes(named) ? { skill: named as T } : { unknown: named };
}
