/**
 * The parts of Kubernetes objects the analyzers read, every field optional: objects come as
 * JSON from the kubernetes MCP server and may lack any of them (or carry nulls).
 */
export interface ObjectMeta {
  name?: string | null;
  namespace?: string | null;
  labels?: Record<string, string> | null;
  ownerReferences?: Array<{ kind?: string | null; name?: string | null }> | null;
}

export interface ContainerState {
  waiting?: { reason?: string | null; message?: string | null } | null;
  running?: { startedAt?: string | null } | null;
  terminated?: { exitCode?: number | null; reason?: string | null; message?: string | null; signal?: number | null; finishedAt?: string | null } | null;
}

export interface ContainerStatus {
  name?: string | null;
  image?: string | null;
  ready?: boolean | null;
  restartCount?: number | null;
  state?: ContainerState | null;
  lastState?: ContainerState | null;
}

export interface Probe {
  httpGet?: { path?: string | null; port?: number | string | null } | null;
  tcpSocket?: { port?: number | string | null } | null;
  exec?: { command?: string[] | null } | null;
}

export interface Container {
  name?: string | null;
  image?: string | null;
  ports?: Array<{ name?: string | null; containerPort?: number | null }> | null;
  resources?: { requests?: Record<string, string> | null; limits?: Record<string, string> | null } | null;
  env?: Array<{ name?: string | null; valueFrom?: { secretKeyRef?: { name?: string | null } | null; configMapKeyRef?: { name?: string | null } | null } | null }> | null;
  envFrom?: Array<{ configMapRef?: { name?: string | null } | null; secretRef?: { name?: string | null } | null }> | null;
  livenessProbe?: Probe | null;
  readinessProbe?: Probe | null;
  startupProbe?: Probe | null;
}

export interface Pod {
  metadata?: ObjectMeta | null;
  spec?: { containers?: Container[] | null; initContainers?: Container[] | null; nodeName?: string | null } | null;
  status?: {
    phase?: string | null;
    reason?: string | null;
    message?: string | null;
    conditions?: Array<{ type?: string | null; status?: string | null; reason?: string | null; message?: string | null }> | null;
    containerStatuses?: ContainerStatus[] | null;
    initContainerStatuses?: ContainerStatus[] | null;
  } | null;
}

/** An event as k8s_events returns it. */
export interface KubeEvent {
  type?: string;
  reason?: string;
  message?: string;
  object?: string;
  count?: number;
}

export interface Service {
  metadata?: ObjectMeta | null;
  spec?: {
    type?: string | null;
    selector?: Record<string, string> | null;
    ports?: Array<{ name?: string | null; port?: number | null; targetPort?: number | string | null; protocol?: string | null }> | null;
    externalName?: string | null;
  } | null;
}

export interface EndpointSlice {
  metadata?: ObjectMeta | null;
  ports?: Array<{ name?: string | null; port?: number | null }> | null;
  endpoints?: Array<{
    addresses?: string[] | null;
    conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null } | null;
    targetRef?: { kind?: string | null; name?: string | null } | null;
  }> | null;
}

export const nameOf = (o: { metadata?: ObjectMeta | null } | null | undefined): string => o?.metadata?.name ?? '<unnamed>';
export const namespaceOf = (o: { metadata?: ObjectMeta | null } | null | undefined): string => o?.metadata?.namespace ?? '';
export const list = <T>(x: T[] | null | undefined): T[] => (Array.isArray(x) ? x : []);
