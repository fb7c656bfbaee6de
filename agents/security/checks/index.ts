export * from './types.js';
export { checkPodSpec, containersOf, CREDENTIAL_NAME, imageTagProblem, ownerRef, podSpecOf } from './pod.js';
export { checkClusterAdminBindings, checkWildcardRules } from './rbac.js';
export { checkNetworkPolicies } from './network.js';
