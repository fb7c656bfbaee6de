import { randomUUID } from 'node:crypto';
import { type Artifact, type Message, type Part, Role, type Task } from '@a2a-js/sdk';

/**
 * Builders for the A2A 1.0 protobuf-shaped values (every field present, `$case` unions) and the
 * house result shape: one artifact with a text part (what a person reads) and a data part
 * (structured JSON: findings, commands, manifests, evidence).
 */

export function textPart(text: string): Part {
  return { content: { $case: 'text', value: text }, mediaType: 'text/plain', filename: '', metadata: undefined };
}

export function dataPart(data: unknown): Part {
  return { content: { $case: 'data', value: data }, mediaType: 'application/json', filename: '', metadata: undefined };
}

export interface MessageOptions {
  taskId?: string;
  contextId?: string;
  messageId?: string;
  /** Structured payload sent as a data part after the text. */
  data?: unknown;
  metadata?: Record<string, unknown>;
}

function message(role: Role, text: string, options: MessageOptions): Message {
  const parts = [textPart(text)];
  if (options.data !== undefined) parts.push(dataPart(options.data));
  return {
    messageId: options.messageId ?? randomUUID(),
    contextId: options.contextId ?? '',
    taskId: options.taskId ?? '',
    role,
    parts,
    metadata: options.metadata,
    extensions: [],
    referenceTaskIds: [],
  };
}

/** A message from a client (the router, a test, another platform's agent). */
export function userMessage(text: string, options: MessageOptions = {}): Message {
  return message(Role.ROLE_USER, text, options);
}

/** A message from an agent (status updates, progress). */
export function agentMessage(text: string, options: MessageOptions = {}): Message {
  return message(Role.ROLE_AGENT, text, options);
}

/** The answer of a task, in the house shape. */
export interface TaskResult {
  /** What a person reads. */
  text: string;
  /** Structured JSON for machines: findings, commands, manifests, evidence. */
  data?: unknown;
  /** Artifact name; `result` unless given. */
  name?: string;
  /**
   * The task cannot finish without the caller: it ends in `input-required` with `text` (and
   * `data`) as the status message instead of an artifact; the caller's next message on the same
   * task runs the handler again (with `request.task` set).
   */
  inputRequired?: boolean;
}

export function resultArtifact(result: TaskResult): Artifact {
  return {
    artifactId: randomUUID(),
    name: result.name ?? 'result',
    description: '',
    parts: [textPart(result.text), dataPart(result.data ?? {})],
    metadata: undefined,
    extensions: [],
  };
}

/** All text parts of a message, joined with newlines. */
export function messageText(msg: Message | undefined): string {
  return (msg?.parts ?? [])
    .flatMap((p) => (p.content?.$case === 'text' ? [p.content.value] : []))
    .join('\n');
}

/** The data parts of a message, in order. */
export function messageData(msg: Message | undefined): unknown[] {
  return (msg?.parts ?? []).flatMap((p) => (p.content?.$case === 'data' ? [p.content.value as unknown] : []));
}

/** The house result of a finished task: the text and data parts of its artifacts (last data part wins). */
export function taskResult(task: Task): TaskResult | undefined {
  const parts = task.artifacts.flatMap((a) => a.parts);
  if (parts.length === 0) return undefined;
  const text = parts.flatMap((p) => (p.content?.$case === 'text' ? [p.content.value] : [])).join('\n');
  const data = parts.flatMap((p) => (p.content?.$case === 'data' ? [p.content.value as unknown] : [])).at(-1);
  return { text, ...(data !== undefined ? { data } : {}) };
}
