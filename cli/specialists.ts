import { createAdminAgent } from '../agents/admin/index.js';
import { createDevAgent } from '../agents/dev/index.js';
import { createGuardianAgent } from '../agents/guardian/index.js';
import { createObservabilityAgent } from '../agents/observability/index.js';
import { createOpsAgent } from '../agents/ops/index.js';
import { createSecurityAgent } from '../agents/security/index.js';
import type { SpecialistFactories } from './crew.js';

/** Every specialist of the crew, by the name its card and port carry. */
export const SPECIALIST_FACTORIES: SpecialistFactories = {
  ops: createOpsAgent,
  observability: createObservabilityAgent,
  security: createSecurityAgent,
  dev: createDevAgent,
  admin: createAdminAgent,
  guardian: createGuardianAgent,
};
