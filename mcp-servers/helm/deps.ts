import type { ClusterAccess } from '../../shared/cluster-access.js';
import type { SecretRedactor } from '../../shared/redact.js';
import type { HelmRunner } from './runner.js';

export interface HelmDeps {
  helm: HelmRunner;
  access: ClusterAccess;
}

/** The redactor for a namespace's Secrets; patterns only when the cluster cannot be read. */
export async function redactorFor(deps: HelmDeps, context: string | undefined, namespace: string | undefined): Promise<SecretRedactor> {
  return deps.access.redactor(deps.access.client(context), namespace);
}
