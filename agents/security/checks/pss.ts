/**
 * Every control of the Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/),
 * baseline and restricted, on a pod spec. One finding per violated control, with a stable id
 * (`pss-<level>-<control>`), evidence naming the containers and fields, and the fields to set as YAML.
 * Pure functions over untyped objects: odd or missing fields never throw.
 */
import { arr, type Finding, type ObjectRef, type Obj, rec, type Severity, str } from './types.js';

/** Capabilities the baseline profile allows a container to add. */
export const BASELINE_CAPS = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

/** Sysctls the baseline profile allows (the namespaced, safe set, up to Kubernetes 1.29's additions). */
export const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

/** SELinux types the baseline profile allows (empty/unset is allowed too). */
const SELINUX_TYPES = new Set(['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

/** Volume types the restricted profile allows. */
export const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

/** Fields of a Volume that are not its source. */
const VOLUME_META = new Set(['name']);

export interface Container {
  name: string;
  /** Where it is in the pod spec: containers, initContainers or ephemeralContainers. */
  field: string;
  c: Obj;
}

export function containersOf(spec: Obj): Container[] {
  return (['initContainers', 'containers', 'ephemeralContainers'] as const).flatMap((field) =>
    arr(spec[field]).map((raw, i) => {
      const c = rec(raw);
      return { name: str(c.name) ?? `#${i}`, field, c };
    }),
  );
}

const list = (names: string[]) => names.join(', ');
const has = (x: unknown) => x !== undefined && x !== null;
/** `containers[app]`: where a container's field is, for evidence. */
const at = (k: Container) => `${k.field}[${k.name}]`;

/** The snippet for a container securityContext, with the containers it applies to. */
function containerSnippet(names: string[], body: string[]): string {
  return [`# in ${names.length ? `container ${list(names)}` : 'each container'}:`, 'securityContext:', ...body.map((l) => `  ${l}`)].join('\n');
}
function podSnippet(body: string[]): string {
  return ['# in the pod spec (spec.template.spec for workloads):', ...body].join('\n');
}

/**
 * Every PSS control this pod spec violates. `ref` is the object the findings are reported
 * against; `podAnnotations` the pod's (or pod template's) annotations, for AppArmor's annotation form.
 */
export function checkPss(spec: Obj, ref: ObjectRef, podAnnotations: Obj = {}): Finding[] {
  const findings: Finding[] = [];
  const add = (severity: Severity, check: string, pss: 'baseline' | 'restricted', evidence: string, fix: string, remediation: string) =>
    findings.push({ severity, check, pss, object: ref, evidence, fix, remediation });
  const containers = containersOf(spec);
  const podSc = rec(spec.securityContext);
  const sc = (k: Container) => rec(k.c.securityContext);
  const which = (pred: (k: Container, sc: Obj) => boolean) => containers.filter((k) => pred(k, sc(k)));
  const names = (ks: Container[]) => ks.map((k) => k.name);
  const windows = str(rec(spec.os).name) === 'windows';

  // ── baseline ──
  const hostProcess = [...(rec(podSc.windowsOptions).hostProcess === true ? ['spec.securityContext'] : []), ...which((_k, s) => rec(s.windowsOptions).hostProcess === true).map(at)];
  if (hostProcess.length) {
    add('critical', 'pss-baseline-host-process', 'baseline', `windowsOptions.hostProcess: true on ${list(hostProcess)}`, 'Do not run Windows HostProcess containers; they have full access to the node.', containerSnippet([], ['windowsOptions:', '  hostProcess: false']));
  }

  const hostNs = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((k) => spec[k] === true);
  if (hostNs.length) {
    add('high', 'pss-baseline-host-namespaces', 'baseline', hostNs.map((k) => `${k}: true`).join(', '), 'Remove hostNetwork/hostPID/hostIPC; expose the workload through a Service instead.', podSnippet(hostNs.map((k) => `${k}: false`)));
  }

  const privileged = which((_k, s) => s.privileged === true);
  if (privileged.length) {
    add('critical', 'pss-baseline-privileged', 'baseline', `privileged: true on container ${list(names(privileged))}`, 'Remove privileged: true; grant only the specific capabilities the container needs.', containerSnippet(names(privileged), ['privileged: false']));
  }

  const added = containers.flatMap((k) => arr(rec(sc(k).capabilities).add).map((cap) => ({ k, cap: String(cap).toUpperCase().replace(/^CAP_/, '') })));
  const beyond = added.filter((x) => !BASELINE_CAPS.has(x.cap));
  if (beyond.length) {
    add(
      'high',
      'pss-baseline-capabilities',
      'baseline',
      `capabilities added: ${beyond.map((x) => `${x.cap} (${x.k.name})`).join(', ')}`,
      `Do not add ${[...new Set(beyond.map((x) => x.cap))].join(', ')}; drop ALL capabilities and add back only what the baseline set allows.`,
      containerSnippet([...new Set(beyond.map((x) => x.k.name))], ['capabilities:', '  drop: [ALL]', '  add: [NET_BIND_SERVICE]  # only if it binds a port below 1024']),
    );
  }

  const volumes = arr(spec.volumes).map(rec);
  const hostPaths = volumes.filter((v) => has(v.hostPath)).map((v) => `${str(v.name) ?? '?'} (${str(rec(v.hostPath).path) ?? '?'})`);
  if (hostPaths.length) {
    add('high', 'pss-baseline-host-path', 'baseline', `hostPath volume ${list(hostPaths)}`, 'Replace hostPath volumes with a PersistentVolumeClaim, ConfigMap, Secret or emptyDir.', podSnippet(['volumes:', `  - name: ${str(volumes.find((v) => has(v.hostPath))?.name) ?? 'data'}`, '    persistentVolumeClaim:', '      claimName: <claim>']));
  }

  const hostPorts = containers.flatMap((k) =>
    arr(k.c.ports)
      .map(rec)
      .filter((p) => typeof p.hostPort === 'number' && p.hostPort !== 0)
      .map((p) => `${at(k)}.ports[].hostPort: ${String(p.hostPort)}`),
  );
  if (hostPorts.length) {
    add('medium', 'pss-baseline-host-ports', 'baseline', list(hostPorts), 'Remove hostPort; reach the container through a Service (NodePort or LoadBalancer if it must be outside the cluster).', ['# in the container: no hostPort in ports', 'ports:', '  - containerPort: <port>'].join('\n'));
  }

  const appArmorBad = [
    ...Object.entries(podAnnotations)
      .filter(([key, v]) => key.startsWith('container.apparmor.security.beta.kubernetes.io/') && typeof v === 'string' && v !== 'runtime/default' && !v.startsWith('localhost/'))
      .map(([key, v]) => `annotation ${key}: ${String(v)}`),
    ...(str(rec(podSc.appArmorProfile).type) === 'Unconfined' ? ['spec.securityContext.appArmorProfile.type: Unconfined'] : []),
    ...which((_k, s) => str(rec(s.appArmorProfile).type) === 'Unconfined').map((k) => `${at(k)}.securityContext.appArmorProfile.type: Unconfined`),
  ];
  if (appArmorBad.length) {
    add('high', 'pss-baseline-apparmor', 'baseline', list(appArmorBad), 'Do not disable AppArmor: use RuntimeDefault (or a Localhost profile) and remove unconfined annotations.', podSnippet(['securityContext:', '  appArmorProfile:', '    type: RuntimeDefault']));
  }

  const seLinux = [{ where: 'spec.securityContext', s: podSc }, ...containers.map((k) => ({ where: `${at(k)}.securityContext`, s: sc(k) }))].flatMap(({ where, s }) => {
    const o = rec(s.seLinuxOptions);
    const type = str(o.type);
    return [
      ...(type && !SELINUX_TYPES.has(type) ? [`${where}.seLinuxOptions.type: ${type}`] : []),
      ...(str(o.user) ? [`${where}.seLinuxOptions.user: ${String(o.user)}`] : []),
      ...(str(o.role) ? [`${where}.seLinuxOptions.role: ${String(o.role)}`] : []),
    ];
  });
  if (seLinux.length) {
    add('high', 'pss-baseline-selinux', 'baseline', list(seLinux), 'Leave seLinuxOptions.user and role unset and type unset or one of container_t, container_init_t, container_kvm_t, container_engine_t.', containerSnippet([], ['seLinuxOptions:', '  type: container_t  # user and role unset']));
  }

  const procMount = which((_k, s) => has(s.procMount) && s.procMount !== 'Default');
  if (procMount.length) {
    add('high', 'pss-baseline-proc-mount', 'baseline', procMount.map((k) => `${at(k)}.securityContext.procMount: ${String(sc(k).procMount)}`).join(', '), 'Use the default /proc mount (unset procMount or set it to Default).', containerSnippet(names(procMount), ['procMount: Default']));
  }

  const seccompType = (s: Obj) => str(rec(s.seccompProfile).type);
  const podSeccomp = seccompType(podSc);
  const unconfined = [...(podSeccomp === 'Unconfined' ? ['(pod securityContext)'] : []), ...names(which((_k, s) => seccompType(s) === 'Unconfined'))];
  if (unconfined.length) {
    add('high', 'pss-baseline-seccomp', 'baseline', `seccompProfile Unconfined on ${list(unconfined)}`, 'Use seccompProfile type RuntimeDefault.', podSnippet(['securityContext:', '  seccompProfile:', '    type: RuntimeDefault']));
  }

  const sysctls = arr(podSc.sysctls)
    .map((x) => str(rec(x).name) ?? '?')
    .filter((n) => !SAFE_SYSCTLS.has(n));
  if (sysctls.length) {
    add('high', 'pss-baseline-sysctls', 'baseline', `unsafe sysctl in spec.securityContext.sysctls: ${list(sysctls)}`, `Remove ${list(sysctls)}; only the safe, namespaced sysctls (${[...SAFE_SYSCTLS].slice(0, 3).join(', ')}, …) are allowed.`, podSnippet(['securityContext:', '  sysctls:  # only safe ones, e.g.', '    - name: net.ipv4.ip_local_port_range', '      value: "1024 65535"']));
  }

  // ── restricted ──
  const badVolumes = volumes.flatMap((v) => {
    const types = Object.keys(v).filter((k) => !VOLUME_META.has(k) && has(v[k]));
    const bad = types.filter((t) => !RESTRICTED_VOLUMES.has(t) && t !== 'hostPath');
    return bad.length ? [`${str(v.name) ?? '?'} (${bad.join(', ')})`] : [];
  });
  if (badVolumes.length) {
    add('medium', 'pss-restricted-volume-types', 'restricted', `volume type not allowed by restricted: ${list(badVolumes)}`, `Use only ${[...RESTRICTED_VOLUMES].join(', ')} volumes; mount other storage through a PersistentVolumeClaim.`, podSnippet(['volumes:', '  - name: <name>', '    persistentVolumeClaim:', '      claimName: <claim>']));
  }

  const escalationTrue = names(which((_k, s) => s.allowPrivilegeEscalation === true));
  const escalationUnset = names(which((_k, s) => !has(s.allowPrivilegeEscalation)));
  if (escalationTrue.length || escalationUnset.length) {
    const parts = [escalationTrue.length ? `allowPrivilegeEscalation: true on ${list(escalationTrue)}` : '', escalationUnset.length ? `allowPrivilegeEscalation not set (defaults to true) on ${list(escalationUnset)}` : ''].filter(Boolean);
    add(escalationTrue.length ? 'high' : 'medium', 'pss-restricted-privilege-escalation', 'restricted', parts.join('; '), 'Set securityContext.allowPrivilegeEscalation: false on every container.', containerSnippet([...escalationTrue, ...escalationUnset], ['allowPrivilegeEscalation: false']));
  }

  const nonRootMissing = names(which((_k, s) => s.runAsNonRoot !== true && !(podSc.runAsNonRoot === true && s.runAsNonRoot !== false)));
  if (nonRootMissing.length) {
    add('medium', 'pss-restricted-run-as-non-root', 'restricted', `runAsNonRoot is not true for container ${list(nonRootMissing)} (the image's user decides, often root)`, 'Set securityContext.runAsNonRoot: true (and a non-zero runAsUser) on the pod or each container.', podSnippet(['securityContext:', '  runAsNonRoot: true', '  runAsUser: 10001']));
  }

  const rootUser = [...(podSc.runAsUser === 0 ? ['(pod securityContext)'] : []), ...names(which((_k, s) => s.runAsUser === 0))];
  if (rootUser.length) {
    add('high', 'pss-restricted-run-as-user', 'restricted', `runAsUser: 0 on ${list(rootUser)}`, 'Run as a non-zero UID (runAsUser: 10001) with runAsNonRoot: true.', podSnippet(['securityContext:', '  runAsNonRoot: true', '  runAsUser: 10001']));
  }

  if (!windows) {
    const noSeccomp = names(
      which((_k, s) => {
        const t = seccompType(s) ?? podSeccomp;
        return t !== 'RuntimeDefault' && t !== 'Localhost' && t !== 'Unconfined';
      }),
    );
    if (noSeccomp.length && !unconfined.length) {
      add('low', 'pss-restricted-seccomp', 'restricted', `no seccompProfile for container ${list(noSeccomp)}`, 'Set securityContext.seccompProfile.type: RuntimeDefault on the pod.', podSnippet(['securityContext:', '  seccompProfile:', '    type: RuntimeDefault']));
    }

    const capProblems = containers.flatMap((k) => {
      const caps = rec(sc(k).capabilities);
      const drop = arr(caps.drop).map((c) => String(c).toUpperCase());
      const extra = arr(caps.add)
        .map((c) => String(c).toUpperCase().replace(/^CAP_/, ''))
        .filter((c) => c !== 'NET_BIND_SERVICE' && BASELINE_CAPS.has(c));
      return [...(drop.includes('ALL') ? [] : [`${k.name} does not drop ALL`]), ...(extra.length ? [`${k.name} adds ${extra.join(', ')}`] : [])].map((text) => ({ k, text }));
    });
    if (capProblems.length) {
      add('medium', 'pss-restricted-capabilities', 'restricted', `capabilities: ${list(capProblems.map((x) => x.text))}`, 'Drop ALL capabilities and add back only NET_BIND_SERVICE if the container must bind a low port.', containerSnippet([...new Set(capProblems.map((x) => x.k.name))], ['capabilities:', '  drop: [ALL]']));
    }
  }
  return findings;
}
