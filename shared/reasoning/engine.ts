/**
 * The one interface both reasoning engines implement — the embedded one (no model: the
 * question parsed against the live cluster's vocabulary, then tool calls and domain logic) and
 * the LLM one (a model in a tool-calling loop over the agent's own MCP tools) — so an agent or
 * the router swaps one for the other by config alone.
 */
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';

/** The MCP tools an engine may call: one agent's own, through an MCP client. */
export interface ToolBox {
  listTools(): Promise<Tool[]>;
  callTool(name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<CallToolResult>;
}

/** Something an engine did on the way to its answer, for streaming progress to a client. */
export type ProgressEvent =
  | { kind: 'tool-call'; tool: string; args: Record<string, unknown> }
  | { kind: 'tool-result'; tool: string; isError: boolean; chars: number }
  | { kind: 'model-call'; step: number }
  | { kind: 'note'; text: string };

export interface ReasoningRequest {
  question: string;
  /** Aborted when the client cancels the task. */
  signal?: AbortSignal | undefined;
  onProgress?: ((event: ProgressEvent) => void) | undefined;
}

/** A tool call an answer rests on: evidence a person or a program can check. */
export interface ToolCallRecord {
  tool: string;
  args: Record<string, unknown>;
  isError: boolean;
}

export interface ReasoningAnswer {
  /** What a person reads; for /query-style questions the bare value ("2", "Running", "mongodb"). */
  text: string;
  /** Structured facts behind the answer (findings, objects, commands), for programs. */
  data: Record<string, unknown>;
  toolCalls: ToolCallRecord[];
  /**
   * false when the engine could not work out what was asked: the text then says so plainly and
   * names what would help (for the embedded engine, the llm.provider setting).
   */
  understood: boolean;
}

export interface ReasoningEngine {
  /** embedded, llm, or what answers through other engines (the router: its crew). */
  readonly name: string;
  answer(request: ReasoningRequest): Promise<ReasoningAnswer>;
}
