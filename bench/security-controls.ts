/**
 * The per-control map bench/security counts coverage with: one row per control, the check ids
 * of each tool that implement it (a regex over the tool's check id; kube-score's
 * container-resources is split into request and limit by its comment), so coverage is counted in
 * checks, not only in families. A tool "has" a control when its row names a check id the tool ran
 * (Polaris and kube-score report passing checks too; ours are the ids the row names). Pure data.
 */
import type { Family } from './security-manifests.js';

export interface Control {
  control: string;
  family: Family | 'other';
  us?: RegExp;
  polaris?: RegExp;
  kubeScore?: RegExp;
}

export const CONTROLS: Control[] = [
  { control: 'privileged', family: 'privileged', us: /^pss-baseline-privileged$/, polaris: /^runAsPrivileged$/, kubeScore: /^container-security-context-privileged$/ },
  { control: 'host network/PID/IPC', family: 'host-namespaces', us: /^pss-baseline-host-namespaces$/, polaris: /^host(IPC|PID|Network)Set$/ },
  { control: 'hostPath volume', family: 'host-path', us: /^pss-baseline-host-path$/, polaris: /^hostPathSet$/ },
  { control: 'hostPort', family: 'host-ports', us: /^pss-baseline-host-ports$/, polaris: /^hostPortSet$/ },
  { control: 'dangerous capabilities added', family: 'capabilities', us: /^pss-baseline-capabilities$/, polaris: /^dangerousCapabilities$/ },
  { control: 'capabilities not dropped', family: 'capabilities', us: /^pss-restricted-capabilities$/, polaris: /^insecureCapabilities$/ },
  { control: 'runs as root', family: 'run-as-non-root', us: /^pss-restricted-run-as-(non-root|user)$/, polaris: /^runAsRootAllowed$/, kubeScore: /^container-security-context-user-group-id$/ },
  { control: 'read-only root filesystem', family: 'read-only-root-fs', us: /^read-only-root-fs$/, polaris: /^notReadOnlyRootFilesystem$/, kubeScore: /^container-security-context-readonlyrootfilesystem$/ },
  { control: 'privilege escalation', family: 'privilege-escalation', us: /^pss-restricted-privilege-escalation$/, polaris: /^privilegeEscalationAllowed$/ },
  { control: 'seccomp profile', family: 'seccomp', us: /^pss-(baseline|restricted)-seccomp$/, kubeScore: /^container-seccomp-profile$/ },
  { control: 'resource requests', family: 'resource-requests', us: /^resource-requests$/, polaris: /^(cpu|memory)RequestsMissing$/, kubeScore: /^container-resources:.*request/i },
  { control: 'resource limits', family: 'resource-limits', us: /^resource-limits$/, polaris: /^(cpu|memory)LimitsMissing$/, kubeScore: /^container-resources:.*limit/i },
  { control: 'ephemeral-storage request/limit', family: 'other', kubeScore: /^container-ephemeral-storage-request-and-limit$/ },
  { control: 'liveness probe', family: 'probes', us: /^probe-liveness-missing$/, polaris: /^livenessProbeMissing$/, kubeScore: /^pod-probes$/ },
  { control: 'readiness probe', family: 'probes', us: /^probe-readiness-missing$/, polaris: /^readinessProbeMissing$/, kubeScore: /^pod-probes$/ },
  { control: 'identical liveness/readiness', family: 'other', kubeScore: /^pod-probes-identical$/ },
  { control: 'mutable image tag', family: 'image-tag', us: /^image-tag$/, polaris: /^tagNotSpecified$/, kubeScore: /^container-image-tag$/ },
  { control: 'image pull policy', family: 'pull-policy', us: /^image-pull-policy$/, polaris: /^pullPolicyNotAlways$/, kubeScore: /^container-image-pull-policy$/ },
  { control: 'image not by digest', family: 'other', us: /^image-digest$/ },
  { control: 'image registry allow-list', family: 'other', us: /^image-registry$/ },
  { control: 'credential in env', family: 'secret-in-env', us: /^secret-env-literal$/, polaris: /^sensitiveContainerEnvVar$/ },
  { control: 'credential in ConfigMap', family: 'other', us: /^secret-configmap-key$/ },
  { control: 'credential in annotation', family: 'other', us: /^secret-annotation-token$/ },
  { control: 'duplicate env var', family: 'other', kubeScore: /^environment-variable-key-duplication$/ },
  { control: 'RBAC risk', family: 'rbac', us: /^rbac-/, polaris: /^(cluster)?role(binding)?[A-Z]/ },
  { control: 'pod without NetworkPolicy', family: 'network-policy', us: /^network-(policy-missing|pod-unselected)$/, polaris: /^missingNetworkPolicy$/, kubeScore: /^pod-networkpolicy$/ },
  { control: 'namespace without default deny', family: 'network-policy', us: /^network-default-deny-missing$/ },
  { control: 'NetworkPolicy selects nothing', family: 'other', kubeScore: /^networkpolicy-targets-pod$/ },
  { control: 'single replica', family: 'replicas', us: /^workload-single-replica$/, polaris: /^deploymentMissingReplicas$/, kubeScore: /^deployment-replicas$/ },
  { control: 'no PodDisruptionBudget', family: 'replicas', us: /^workload-pdb-missing$/, polaris: /^missingPodDisruptionBudget$/, kubeScore: /^(deployment|statefulset)-has-poddisruptionbudget$/ },
  { control: 'PDB blocks all disruption', family: 'other', us: /^pdb-no-disruptions$/, polaris: /^pdbDisruptionsIsZero$/ },
  { control: 'PDB without policy', family: 'other', kubeScore: /^poddisruptionbudget-has-policy$/ },
  { control: 'no spread / anti-affinity', family: 'replicas', us: /^workload-spread-missing$/, kubeScore: /^((deployment|statefulset)-has-host-podantiaffinity|pod-topology-spread-constraints)$/ },
  { control: 'priority class', family: 'other', us: /^priority-class-missing$/, polaris: /^priorityClassNotSet$/ },
  { control: 'default SA token mounted', family: 'service-account-token', us: /^service-account-token-automount$/, polaris: /^automountServiceAccountToken$/ },
  { control: 'PSS: AppArmor, SELinux, sysctls, /proc, HostProcess', family: 'other', us: /^pss-baseline-(apparmor|selinux|sysctls|proc-mount|host-process)$/ },
  { control: 'PSS: volume types', family: 'host-path', us: /^pss-restricted-volume-types$/ },
  { control: 'Ingress without TLS', family: 'other', us: /^ingress-tls-missing$/, polaris: /^tlsSettingsMissing$/ },
  { control: 'name label (Polaris: equals the name)', family: 'other', us: /^label-app-name-missing$/, polaris: /^metadataAndNameMismatched$/ },
  { control: 'deprecated apiVersion', family: 'other', kubeScore: /^stable-version$/ },
  { control: 'label values valid', family: 'other', kubeScore: /^label-values$/ },
  { control: 'rolling update strategy', family: 'other', kubeScore: /^deployment-strategy$/ },
  { control: 'selector matches template', family: 'other', kubeScore: /^(deployment|statefulset)-pod-selector-labels-match-template-metadata-labels$/ },
  { control: 'Service targets pods / type', family: 'other', kubeScore: /^service-(targets-pod|type)$/ },
  { control: 'Ingress targets a Service', family: 'other', kubeScore: /^ingress-targets-service$/ },
  { control: 'CronJob deadline / restartPolicy', family: 'other', kubeScore: /^cronjob-(has-deadline|restartpolicy)$/ },
  { control: 'StatefulSet serviceName', family: 'other', kubeScore: /^statefulset-has-servicename$/ },
  { control: 'HPA target / replicas', family: 'other', kubeScore: /^(horizontalpodautoscaler-|deployment-targeted-by-hpa)/ },
];

export type ToolKey = 'us' | 'polaris' | 'kubeScore';

/** The controls a check id counts for (kube-score's pod-probes counts for both probes). */
export function controlsOf(tool: ToolKey, check: string): Control[] {
  return CONTROLS.filter((c) => c[tool]?.test(check));
}

/**
 * Every Polaris check of the pinned version, all switched on (several are off by default:
 * priorityClassNotSet, missingPodDisruptionBudget, metadataAndNameMismatched), no exemptions —
 * so the comparison is against everything Polaris can check.
 */
export const POLARIS_CHECKS = [
  'deploymentMissingReplicas', 'priorityClassNotSet', 'tagNotSpecified', 'pullPolicyNotAlways', 'readinessProbeMissing', 'livenessProbeMissing',
  'metadataAndNameMismatched', 'pdbDisruptionsIsZero', 'missingPodDisruptionBudget', 'cpuRequestsMissing', 'cpuLimitsMissing', 'memoryRequestsMissing',
  'memoryLimitsMissing', 'hostIPCSet', 'hostPIDSet', 'notReadOnlyRootFilesystem', 'privilegeEscalationAllowed', 'runAsRootAllowed', 'runAsPrivileged',
  'dangerousCapabilities', 'insecureCapabilities', 'hostNetworkSet', 'hostPortSet', 'tlsSettingsMissing',
] as const;

export function polarisConfig(): string {
  return `checks:\n${POLARIS_CHECKS.map((c) => `  ${c}: warning`).join('\n')}\nexemptions: []\n`;
}
