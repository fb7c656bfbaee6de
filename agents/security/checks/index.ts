export * from './types.js';
export { BASELINE_CAPS, checkPss, RESTRICTED_VOLUMES, SAFE_SYSCTLS } from './pss.js';
export { checkPodSpec, containersOf, CREDENTIAL_NAME, imageRegistry, imageTagProblem, ownerRef, type PodCheckOptions, podSpecOf, podTemplateOf } from './pod.js';
export { checkClusterAdminBindings, checkDefaultServiceAccountBindings, checkRiskyRules, checkWildcardRules } from './rbac.js';
export { checkNetworkPolicies, podsOfWorkloads, selects } from './network.js';
export { checkAnnotationTokens, checkConfigMapKeys, checkObjectAnnotations } from './secrets.js';
export { namespaceScores, type NamespaceScore, renderScores, SCORE_WEIGHTS } from './score.js';
