/**
 * kubectl-command: the kubectl argument array (and a display line) for a request, with what it
 * would change. Reads the cluster (read-only tools) to find the namespace of a named object and
 * the replicas a scale would change from; runs nothing.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { TaskResult } from '../../shared/a2a/parts.js';
import { KubectlArgumentError, kubectlCommand, type KubectlIntent, parseKubectlRequest } from './kubectl.js';
import { currentReplicas, findNamespaces } from './tools.js';

const EXAMPLES = ['What is the kubectl command to scale cart to 3 replicas?', 'How do I restart deployment frontend in shop?', 'How do I create a secret in namespace dev with kubectl?', 'Show the logs of pod web-1 in shop', 'delete pod web-1 in shop'];

const NEEDS_LOOKUP = new Set(['scale', 'restart', 'describe', 'logs', 'delete']);

export async function kubectlCommandSkill(client: Client | undefined, text: string, progress: (text: string) => void, signal: AbortSignal): Promise<TaskResult> {
  const intent = parseKubectlRequest(text);
  if (!intent) {
    return {
      text: `I could not tell which kubectl task you mean, so I suggest no command. I know scale, rollout restart, create secret generic / configmap / namespace, get, describe, logs and delete, asked like: ${EXAMPLES.map((e) => `"${e}"`).join('; ')}.`,
      data: { skill: 'kubectl-command', understood: false, kubectl: [] },
    };
  }
  const notes: string[] = [];
  const found: KubectlIntent = { ...intent };
  // A named object without a namespace: look it up (read-only) rather than guess.
  if (!found.namespace && found.name && found.resource && NEEDS_LOOKUP.has(found.verb) && !['nodes', 'namespaces'].includes(found.resource)) {
    progress(`Looking up ${found.resource} ${found.name}`);
    const namespaces = await findNamespaces(client, found.resource, found.name, signal);
    if (namespaces?.length === 1) {
      found.namespace = namespaces[0]!;
      notes.push(`${found.resource} ${found.name} is in namespace ${found.namespace}.`);
    } else if (namespaces && namespaces.length > 1) {
      notes.push(`${found.resource} named ${found.name} exist in ${namespaces.join(', ')}: add -n for the one you mean (the command uses your current namespace).`);
    } else if (namespaces) {
      notes.push(`No ${found.resource} named ${found.name} was found in the cluster: the command uses your current namespace.`);
    }
  }
  let before: number | undefined;
  if (found.verb === 'scale' && found.namespace && found.name) {
    before = await currentReplicas(client, found.resource ?? 'deployments', found.name, found.namespace, signal);
  }
  try {
    const command = kubectlCommand(found);
    const changes = before !== undefined ? command.changes.replace(/ to (\d+)/, ` from ${before} to $1`) : command.changes;
    const all = [...notes, ...command.notes];
    const publicIntent = { ...found, ...(found.verb === 'create-secret' ? { values: undefined } : {}) };
    return {
      text: [command.display, '', `What it changes: ${changes}.`, ...(command.readOnly ? [] : ['Nothing was run: run it yourself, or ask the crew to (it passes the guardian first).']), ...(all.length ? ['', ...all.map((n) => `Note: ${n}`)] : [])].join('\n'),
      data: {
        skill: 'kubectl-command',
        understood: true,
        intent: publicIntent,
        argv: command.argv,
        display: command.display,
        changes,
        readOnly: command.readOnly,
        ...(before !== undefined ? { currentReplicas: before } : {}),
        kubectl: [command.argv],
        notes: all,
        applied: false,
      },
    };
  } catch (e) {
    if (!(e instanceof KubectlArgumentError)) throw e;
    return {
      text: `I will not suggest that command: ${e.message}.`,
      data: { skill: 'kubectl-command', understood: true, error: e.message, kubectl: [] },
    };
  }
}
