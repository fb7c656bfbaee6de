/**
 * Why a pod is unhealthy, as plain functions over Kubernetes objects: the pod (status, spec),
 * its events and, for a crashed container, the previous instance's log. Each unhealthy pod gets
 * one root cause with the evidence it rests on and a fix. Pure: no I/O, no throwing on odd input.
 */
import { type Container, type ContainerStatus, type KubeEvent, list, nameOf, namespaceOf, type Pod } from './kube-objects.js';

export type Cause =
  | 'CrashLoopBackOff'
  | 'OOMKilled'
  | 'ImagePull'
  | 'MissingConfig'
  | 'CreateContainerError'
  | 'Unschedulable'
  | 'ProbeFailure'
  | 'NotReady'
  | 'Evicted'
  | 'Failed'
  | 'Unknown';

export interface Finding {
  pod: string;
  namespace: string;
  container?: string;
  cause: Cause;
  /** One sentence: what is wrong. */
  summary: string;
  /** What the cause rests on: status fields, event messages, log lines. */
  evidence: string[];
  fix: string;
  /** Extra facts for programs (exit code, image, missing object, requests …). */
  details?: Record<string, unknown>;
}

/** What a diagnosis can use beyond the pod itself. */
export interface PodEvidence {
  events?: KubeEvent[];
  /** The previous (crashed) instance's log, by container name. */
  previousLogs?: Record<string, string>;
  /** Allocatable CPU and memory of the schedulable nodes, for an unschedulable pod. */
  nodes?: Array<{ name: string; allocatable: Record<string, string> }>;
  /** The time to judge "recent" restarts against (ms since the epoch); default now. */
  now?: number;
}

/** A container that restarted within this long counts as crash-looping even while it runs between crashes. */
export const RECENT_RESTART_MS = 15 * 60_000;

/** The container restarted recently: it died less than RECENT_RESTART_MS ago. */
function restartedRecently(cs: ContainerStatus, now: number): boolean {
  if ((cs?.restartCount ?? 0) === 0) return false;
  const finished = Date.parse(cs?.lastState?.terminated?.finishedAt ?? '');
  return Number.isFinite(finished) && now - finished < RECENT_RESTART_MS;
}

const HEALTHY_PHASES = new Set(['Succeeded']);

function statuses(pod: Pod): ContainerStatus[] {
  return [...list(pod.status?.initContainerStatuses), ...list(pod.status?.containerStatuses)];
}

function containers(pod: Pod): Container[] {
  return [...list(pod.spec?.initContainers), ...list(pod.spec?.containers)];
}

/**
 * Whether a pod needs a look: not Succeeded, and not Running with every container ready — a
 * container that restarted recently counts too (a crash loop is briefly Running between crashes).
 */
export function isUnhealthy(pod: Pod, now: number = Date.now()): boolean {
  const phase = pod.status?.phase ?? 'Unknown';
  if (HEALTHY_PHASES.has(phase)) return false;
  if (phase !== 'Running') return true;
  const cs = list(pod.status?.containerStatuses);
  if (cs.length === 0) return true;
  return cs.some((c) => c?.ready !== true || c?.state?.waiting || c?.state?.terminated || restartedRecently(c, now));
}

/** Containers whose previous instance's log would explain a crash (they restarted or are backing off). */
export function containersToReadPreviousLogs(pod: Pod): string[] {
  return list(pod.status?.containerStatuses)
    .filter((c) => c?.name && (c.state?.waiting?.reason === 'CrashLoopBackOff' || (c.lastState?.terminated && (c.restartCount ?? 0) > 0)))
    .map((c) => c.name as string);
}

/** Known log lines that explain a crash, most specific first, with the fix each suggests. */
const LOG_PATTERNS: Array<{ re: RegExp; explains: string; fix: string }> = [
  { re: /password authentication failed|access denied for user|authentication failed|invalid password|login failed/i, explains: 'the database rejects the credentials', fix: 'the credentials the pod gets (its Secret / env) do not match the database user: fix the Secret or the database password, then restart the pod' },
  { re: /no such host|name or service not known|could not resolve|getaddrinfo|temporary failure in name resolution/i, explains: 'a host name does not resolve', fix: 'check the host name in the configuration and that its Service exists in the namespace it names' },
  { re: /connection refused|econnrefused|connect: connection timed out|i\/o timeout/i, explains: 'a dependency is not reachable', fix: 'check that the dependency is running and its Service has endpoints (service-connectivity)' },
  { re: /permission denied|eacces|operation not permitted/i, explains: 'the process lacks a permission', fix: 'check securityContext (runAsUser, fsGroup) and the mounted volumes\' ownership' },
  { re: /out of memory|cannot allocate memory|heap out of memory|java\.lang\.outofmemoryerror/i, explains: 'the process runs out of memory', fix: 'raise the memory limit or lower the process\'s heap/cache settings' },
  { re: /address already in use|eaddrinuse/i, explains: 'the port is already taken', fix: 'two processes (or containers) bind the same port: change one' },
  { re: /no such file or directory|enoent|file not found|cannot find module/i, explains: 'a file the process needs is missing', fix: 'check the image contents and the volume mounts / ConfigMap keys the process reads' },
  { re: /(missing|required|not set|undefined).{0,40}(env|environment|variable|config)|(env|environment variable).{0,40}(missing|required|not set)/i, explains: 'required configuration is missing', fix: 'set the missing environment variable or config key in the Deployment / its ConfigMap' },
  { re: /panic:|segmentation fault|sigsegv|traceback \(most recent call last\)|unhandled exception|uncaught exception/i, explains: 'the program crashed', fix: 'a bug in the application: see the stack trace, roll back to the last good image if this started with a new version' },
];

const ERRORISH = /\b(fatal|panic|error|err|exception|failed|failure|refused|denied|exit(ing)?)\b/i;

/** A JSON log line's message and error fields as one readable string; other lines as they are. */
export function readableLogLine(line: string): string {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  try {
    const o = JSON.parse(trimmed) as Record<string, unknown>;
    const msg = [o.msg, o.message].find((v) => typeof v === 'string') as string | undefined;
    const err = [o.error, o.err, o.exception].find((v) => typeof v === 'string') as string | undefined;
    const level = typeof o.level === 'string' ? `${o.level}: ` : '';
    if (!msg && !err) return trimmed;
    return `${level}${[msg, err].filter(Boolean).join(': ')}`;
  } catch {
    return trimmed;
  }
}

/**
 * The log line that explains a crash: the last line matching a known pattern (most specific
 * pattern first), else the last error-looking line, else the last line. undefined for an empty log.
 */
export function explainingLine(log: string | undefined | null): { line: string; explains?: string; fix?: string } | undefined {
  const lines = (typeof log === 'string' ? log : '').split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) return undefined;
  for (const p of LOG_PATTERNS) {
    for (let i = lines.length - 1; i >= 0; i--) {
      if (p.re.test(lines[i]!)) return { line: readableLogLine(lines[i]!), explains: p.explains, fix: p.fix };
    }
  }
  for (let i = lines.length - 1; i >= 0; i--) if (ERRORISH.test(lines[i]!)) return { line: readableLogLine(lines[i]!) };
  return { line: readableLogLine(lines.at(-1)!) };
}

/** The Secrets and ConfigMaps a container takes its environment from. */
function envSources(c: Container | undefined): string[] {
  if (!c) return [];
  const out: string[] = [];
  for (const e of list(c.envFrom)) {
    if (e?.secretRef?.name) out.push(`Secret ${e.secretRef.name}`);
    if (e?.configMapRef?.name) out.push(`ConfigMap ${e.configMapRef.name}`);
  }
  for (const e of list(c.env)) {
    if (e?.valueFrom?.secretKeyRef?.name) out.push(`Secret ${e.valueFrom.secretKeyRef.name}`);
    if (e?.valueFrom?.configMapKeyRef?.name) out.push(`ConfigMap ${e.valueFrom.configMapKeyRef.name}`);
  }
  return [...new Set(out)];
}

/** CPU quantity in millicores ("16" → 16000, "250m" → 250); undefined when unreadable. */
export function cpuMillis(q: string | null | undefined): number | undefined {
  if (typeof q !== 'string' || !q) return undefined;
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(q.trim());
  if (!m) return undefined;
  return m[2] ? Number(m[1]) : Number(m[1]) * 1000;
}

const MEM_UNITS: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
/** Memory quantity in bytes ("8Gi", "512M"); undefined when unreadable. */
export function memoryBytes(q: string | null | undefined): number | undefined {
  if (typeof q !== 'string' || !q) return undefined;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q.trim());
  if (!m) return undefined;
  return Number(m[1]) * (MEM_UNITS[m[2] ?? ''] ?? 1);
}

function podRequests(pod: Pod): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of list(pod.spec?.containers)) {
    cpu += cpuMillis(c?.resources?.requests?.cpu) ?? 0;
    memory += memoryBytes(c?.resources?.requests?.memory) ?? 0;
  }
  return { cpu, memory };
}

const fmtCpu = (m: number) => (m % 1000 === 0 ? `${m / 1000}` : `${m}m`);
const fmtMem = (b: number) => (b >= 1024 ** 3 ? `${+(b / 1024 ** 3).toFixed(1)}Gi` : `${Math.round(b / 1024 ** 2)}Mi`);

function eventsFor(evidence: PodEvidence, pod: string, test: (e: KubeEvent) => boolean): KubeEvent[] {
  return list(evidence.events).filter((e) => e && (!e.object || e.object === `pod/${pod}` || e.object.endsWith(`/${pod}`)) && test(e));
}

const eventLine = (e: KubeEvent) => `event ${e.type ?? ''} ${e.reason ?? ''}${e.count && e.count > 1 ? ` (x${e.count})` : ''}: ${e.message ?? ''}`.replace(/\s+/g, ' ').trim();

function unschedulable(pod: Pod, evidence: PodEvidence): Finding | undefined {
  const cond = list(pod.status?.conditions).find((c) => c?.type === 'PodScheduled' && c.status === 'False');
  const events = eventsFor(evidence, nameOf(pod), (e) => e.reason === 'FailedScheduling');
  if (!cond && events.length === 0) return undefined;
  const message = cond?.message || events.at(-1)?.message || 'the scheduler found no node for it';
  const insufficient = [...new Set([...message.matchAll(/Insufficient ([a-z0-9][a-z0-9./-]*[a-z0-9])/gi)].map((m) => m[1]!.toLowerCase()))];
  const req = podRequests(pod);
  const evidenceLines = [`condition PodScheduled=False (${cond?.reason ?? 'Unschedulable'}): ${message}`];
  const details: Record<string, unknown> = { schedulerMessage: message, insufficient, requests: { cpu: fmtCpu(req.cpu), memory: fmtMem(req.memory) } };
  const nodes = list(evidence.nodes);
  let fix: string;
  if (insufficient.length > 0) {
    const parts: string[] = [];
    if (insufficient.includes('cpu')) {
      const largest = Math.max(0, ...nodes.map((n) => cpuMillis(n.allocatable?.cpu) ?? 0));
      parts.push(`it requests ${fmtCpu(req.cpu)} CPU${largest ? ` but the largest node has ${fmtCpu(largest)} allocatable` : ''}`);
      if (largest) details.largestNodeCpu = fmtCpu(largest);
    }
    if (insufficient.includes('memory')) {
      const largest = Math.max(0, ...nodes.map((n) => memoryBytes(n.allocatable?.memory) ?? 0));
      parts.push(`it requests ${fmtMem(req.memory)} memory${largest ? ` but the largest node has ${fmtMem(largest)} allocatable` : ''}`);
    }
    if (parts.length) evidenceLines.push(parts.join('; '));
    fix = `lower the pod's ${insufficient.join(' and ')} requests to fit a node, or add nodes big enough (or free capacity on the existing ones)`;
  } else if (/taint|untolerated/i.test(message)) {
    fix = 'add a toleration for the nodes\' taints, or remove the taint from a node meant to run it';
  } else if (/affinity|selector/i.test(message)) {
    fix = 'the pod\'s nodeSelector/affinity matches no node: fix the selector or label a node';
  } else if (/persistentvolumeclaim|unbound|volume/i.test(message)) {
    fix = 'a PersistentVolumeClaim it mounts is not bound: check the claim and its StorageClass';
  } else {
    fix = 'make a node fit what the scheduler message says is missing';
  }
  for (const e of events.slice(-1)) evidenceLines.push(eventLine(e));
  const what = insufficient.length ? `insufficient ${insufficient.join(', ')}` : 'no node fits it';
  return { pod: nameOf(pod), namespace: namespaceOf(pod), cause: 'Unschedulable', summary: `Pending and unschedulable: ${what}.`, evidence: evidenceLines, fix, details };
}

function containerFinding(pod: Pod, cs: ContainerStatus, evidence: PodEvidence): Finding | undefined {
  const podName = nameOf(pod);
  const base = { pod: podName, namespace: namespaceOf(pod), container: cs.name ?? undefined };
  const spec = containers(pod).find((c) => c?.name === cs.name);
  const waiting = cs.state?.waiting ?? undefined;
  const last = cs.lastState?.terminated ?? undefined;
  const reason = waiting?.reason ?? '';
  const message = waiting?.message ?? '';
  const image = cs.image || spec?.image || undefined;

  if (reason === 'ImagePullBackOff' || reason === 'ErrImagePull' || reason === 'InvalidImageName' || reason === 'ErrImageNeverPull') {
    const pullEvents = eventsFor(evidence, podName, (e) => e.type === 'Warning' && (/^(Failed|ErrImagePull|ImagePullBackOff|InspectFailed|ErrImageNeverPull)$/.test(e.reason ?? '') || /pull|image/i.test(e.message ?? '')));
    const registryError = [message, ...pullEvents.map((e) => e.message ?? '')].find((m) => /failed to|not found|no such host|unauthorized|denied|manifest unknown|timeout/i.test(m)) ?? message;
    let fix = 'check the image name and tag, and that the node can reach the registry';
    let why = 'the image cannot be pulled';
    if (/no such host|could not resolve|lookup .* on/i.test(registryError)) {
      const host = /lookup ([^\s]+)/.exec(registryError)?.[1] ?? image?.split('/')[0];
      why = `the registry host${host ? ` ${host}` : ''} does not resolve`;
      fix = `use a registry the nodes can resolve and reach${host ? ` (${host} has no DNS record)` : ''}, or fix the image reference`;
    } else if (/not found|manifest unknown|does not exist/i.test(registryError)) {
      why = 'the image or tag does not exist';
      fix = 'fix the image tag (check the registry for the tags that exist)';
    } else if (/unauthorized|denied|authentication required|forbidden/i.test(registryError)) {
      why = 'the registry refuses the pull';
      fix = 'add imagePullSecrets with credentials for that registry (or make the image public)';
    } else if (reason === 'InvalidImageName') {
      why = 'the image name is invalid';
      fix = 'fix the image reference in the pod template';
    }
    return {
      ...base,
      cause: 'ImagePull',
      summary: `${reason}: ${why}${image ? ` (image ${image})` : ''}.`,
      evidence: [`container ${cs.name ?? '?'} waiting: ${reason}${message ? `: ${message}` : ''}`, ...pullEvents.slice(-2).map(eventLine)],
      fix,
      details: { image, reason, registryError },
    };
  }

  if (reason === 'CreateContainerConfigError' || reason === 'CreateContainerError' || reason === 'RunContainerError') {
    const missing = /(configmap|secret)s? "?([a-z0-9.-]+)"? not found/i.exec(message);
    const keyMissing = /couldn't find key ([^\s]+) in (ConfigMap|Secret) ([^\s/]+\/)?([a-z0-9.-]+)/i.exec(message);
    if (missing || keyMissing) {
      const kind = missing ? (missing[1]!.toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap') : keyMissing![2]!;
      const name = missing ? missing[2]! : keyMissing![4]!;
      const what = keyMissing && !missing ? `key ${keyMissing[1]} of ${kind} ${name}` : `${kind} ${name}`;
      return {
        ...base,
        cause: 'MissingConfig',
        summary: `${reason}: the ${what} it needs does not exist in namespace ${base.namespace || '?'}.`,
        evidence: [`container ${cs.name ?? '?'} waiting: ${reason}: ${message}`],
        fix: `create the ${what} in ${base.namespace || 'the pod\'s namespace'} (or fix the reference / mark it optional in the pod template); the pod starts on its own once it exists`,
        details: { missingKind: kind, missingName: name, ...(keyMissing ? { missingKey: keyMissing[1] } : {}) },
      };
    }
    return {
      ...base,
      cause: 'CreateContainerError',
      summary: `${reason}: the container cannot be created.`,
      evidence: [`container ${cs.name ?? '?'} waiting: ${reason}${message ? `: ${message}` : ''}`],
      fix: 'fix what the message names (command, volume mounts, security context) in the pod template',
      details: { reason, message },
    };
  }

  if (last?.reason === 'OOMKilled' || cs.state?.terminated?.reason === 'OOMKilled') {
    const limit = spec?.resources?.limits?.memory ?? undefined;
    return {
      ...base,
      cause: 'OOMKilled',
      summary: `the container is killed for using more memory than its limit${limit ? ` (${limit})` : ''} (OOMKilled, ${cs.restartCount ?? 0} restarts).`,
      evidence: [`last termination: reason OOMKilled, exit code ${last?.exitCode ?? cs.state?.terminated?.exitCode ?? 137}`, ...(limit ? [`memory limit ${limit}`] : ['no memory limit set on the container (the node ran out)'])],
      fix: limit ? `raise the memory limit above ${limit} (and the request with it), or find what grows the memory` : 'set memory requests/limits that fit what the process uses',
      details: { memoryLimit: limit, restarts: cs.restartCount ?? 0 },
    };
  }

  const now = evidence.now ?? Date.now();
  const current = cs.state?.terminated ?? undefined;
  if (reason === 'CrashLoopBackOff' || (last && (cs.restartCount ?? 0) > 0 && cs.ready !== true) || restartedRecently(cs, now) || (current && current.exitCode !== 0)) {
    const log = evidence.previousLogs?.[cs.name ?? ''];
    const explaining = explainingLine(log);
    const died = last ?? current;
    const exitCode = died?.exitCode ?? undefined;
    const state = reason ? `waiting: ${reason}` : cs.state?.running ? 'running again between crashes' : current ? `terminated: ${current.reason ?? 'unknown'}` : 'not ready';
    const ev: string[] = [
      `container ${cs.name ?? '?'} ${state}, ${cs.restartCount ?? 0} restarts`,
      `last termination: reason ${died?.reason ?? 'unknown'}, exit code ${exitCode ?? 'unknown'}`,
    ];
    if (explaining) ev.push(`previous log: ${explaining.line}`);
    else ev.push(log === undefined ? 'previous log: not available' : 'previous log: empty');
    const sources = envSources(spec);
    let fix = explaining?.fix ?? 'read the previous log for the error, fix the configuration or roll back the image';
    if (explaining?.explains === 'the database rejects the credentials' && sources.some((s) => s.startsWith('Secret'))) {
      fix = `the database rejects the credentials from ${sources.filter((s) => s.startsWith('Secret')).join(', ')}: put the right password in it (or fix the database user), then restart the deployment`;
    }
    const logTail = (typeof log === 'string' ? log : '').split('\n').filter(Boolean).slice(-10);
    return {
      ...base,
      cause: 'CrashLoopBackOff',
      summary: `crash loop: the container exits${exitCode !== undefined ? ` with code ${exitCode}` : ''}${explaining?.explains ? ` because ${explaining.explains}` : ''}${explaining ? ` — "${explaining.line}"` : ''}.`,
      evidence: ev,
      fix,
      details: { exitCode, lastReason: died?.reason, restarts: cs.restartCount ?? 0, explainingLine: explaining?.line, logTail, envFrom: sources },
    };
  }

  if (reason) {
    return {
      ...base,
      cause: 'Unknown',
      summary: `container ${cs.name ?? '?'} is waiting: ${reason}.`,
      evidence: [`container waiting: ${reason}${message ? `: ${message}` : ''}`],
      fix: 'see the message and the pod\'s events',
      details: { reason, message },
    };
  }
  return undefined;
}

function probeFinding(pod: Pod, evidence: PodEvidence): Finding | undefined {
  const probeEvents = eventsFor(evidence, nameOf(pod), (e) => e.reason === 'Unhealthy' || /probe failed/i.test(e.message ?? ''));
  if (probeEvents.length === 0) return undefined;
  const lastEvent = probeEvents.at(-1)!;
  const kind = /liveness/i.test(lastEvent.message ?? '') ? 'liveness' : /startup/i.test(lastEvent.message ?? '') ? 'startup' : 'readiness';
  const spec = list(pod.spec?.containers).find((c) => c?.[`${kind}Probe` as 'readinessProbe']);
  const probe = spec?.[`${kind}Probe` as 'readinessProbe'];
  const target = probe?.httpGet ? `GET ${probe.httpGet.path ?? '/'} on port ${probe.httpGet.port ?? '?'}` : probe?.tcpSocket ? `TCP port ${probe.tcpSocket.port ?? '?'}` : probe?.exec ? `exec ${list(probe.exec.command).join(' ')}` : undefined;
  return {
    pod: nameOf(pod),
    namespace: namespaceOf(pod),
    container: spec?.name ?? undefined,
    cause: 'ProbeFailure',
    summary: `the ${kind} probe fails${target ? ` (${target})` : ''}${kind === 'liveness' ? ', so the kubelet restarts the container' : ', so the pod gets no traffic'}.`,
    evidence: probeEvents.slice(-2).map(eventLine),
    fix: `check that the app answers ${target ?? 'the probe'} in time (path, port, initialDelaySeconds/timeoutSeconds), or fix the probe to match the app`,
    details: { probe: kind, target },
  };
}

/** The root cause of one pod's trouble, or undefined for a healthy pod. */
export function diagnosePod(pod: Pod, evidence: PodEvidence = {}): Finding | undefined {
  if (!pod || typeof pod !== 'object') return undefined;
  if (!isUnhealthy(pod, evidence.now)) return undefined;
  const base = { pod: nameOf(pod), namespace: namespaceOf(pod) };
  if (pod.status?.reason === 'Evicted') {
    return { ...base, cause: 'Evicted', summary: 'the pod was evicted.', evidence: [`status: Evicted: ${pod.status.message ?? ''}`.trim()], fix: 'the node ran short of a resource (see the message): set requests that reflect real use; delete the evicted pod object' };
  }
  const sched = pod.status?.phase === 'Pending' || !pod.spec?.nodeName ? unschedulable(pod, evidence) : undefined;
  if (sched) return sched;
  // Containers in a bad state, init containers first (they block the rest).
  for (const cs of statuses(pod)) {
    if (!cs) continue;
    const f = containerFinding(pod, cs, evidence);
    if (f) return f;
  }
  const probe = probeFinding(pod, evidence);
  if (probe) return probe;
  if (pod.status?.phase === 'Failed') {
    const t = list(pod.status?.containerStatuses).find((c) => c?.state?.terminated)?.state?.terminated;
    return { ...base, cause: 'Failed', summary: `the pod failed${t ? ` (exit code ${t.exitCode ?? '?'}, ${t.reason ?? 'no reason'})` : ''}.`, evidence: [`phase Failed${pod.status.message ? `: ${pod.status.message}` : ''}`], fix: 'read the pod\'s logs for why the process exited with an error' };
  }
  const notReady = list(pod.status?.containerStatuses).filter((c) => c && c.ready !== true).map((c) => c.name ?? '?');
  return {
    ...base,
    cause: pod.status?.phase === 'Running' ? 'NotReady' : 'Unknown',
    summary: pod.status?.phase === 'Running' ? `running but not ready${notReady.length ? ` (containers: ${notReady.join(', ')})` : ''}.` : `phase ${pod.status?.phase ?? 'unknown'} with no container state that explains it.`,
    evidence: [`phase ${pod.status?.phase ?? 'unknown'}`, ...list(pod.status?.conditions).filter((c) => c?.status === 'False').map((c) => `condition ${c.type}=False${c.message ? `: ${c.message}` : ''}`)],
    fix: 'check the pod\'s events and readiness probe',
  };
}

/** A finding as a few lines for a person. */
export function renderFinding(f: Finding): string {
  return [`${f.namespace}/${f.pod}${f.container ? ` (container ${f.container})` : ''}: ${f.summary}`, ...f.evidence.map((e) => `  - ${e}`), `  Fix: ${f.fix}`].join('\n');
}
