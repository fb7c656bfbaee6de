/**
 * What a chart is made from. A `ChartSpec` is what a caller gave (structured data or parsed
 * words): every field optional, validated with zod so a bad field is named. A `ChartPlan` is the
 * complete plan the files are generated from (see complete.ts, which fills defaults and says so).
 *
 * Secrets are KEY NAMES only: a structured spec may send `{ KEY: value }`, the value is dropped
 * here and never travels further (the chart takes values at install time).
 */
import { z } from 'zod';

const quantity = z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, 'expected a Kubernetes quantity such as 100m, 256Mi or 10Gi');
const port = z.number().int().min(1).max(65535);
const envKey = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'expected an environment variable name such as LOG_LEVEL');

export const imageSpec = z.union([
  z.string().min(1).max(255),
  z.object({ repository: z.string().min(1).max(255), tag: z.string().min(1).max(128).optional() }).strict(),
]);

export const portSpec = z.union([port, z.object({ port, name: z.string().max(15).optional(), protocol: z.enum(['TCP', 'UDP']).optional() }).strict()]);

export const chartSpecSchema = z
  .object({
    name: z.string().min(1).max(53).optional(),
    namespace: z.string().min(1).max(63).optional(),
    workload: z.enum(['Deployment', 'StatefulSet']).optional(),
    image: imageSpec.optional(),
    ports: z.array(portSpec).max(20).optional(),
    config: z.record(envKey, z.string()).optional(),
    /** Key names; an object's values are dropped at once (see `secretKeysOf`). */
    secrets: z.union([z.array(envKey), z.record(envKey, z.string())]).optional(),
    storage: z.object({ size: quantity.optional(), mountPath: z.string().regex(/^\//, 'expected an absolute path such as /data').optional(), storageClass: z.string().optional(), accessMode: z.enum(['ReadWriteOnce', 'ReadWriteMany', 'ReadOnlyMany', 'ReadWriteOncePod']).optional() }).strict().optional(),
    scaling: z
      .object({
        replicas: z.number().int().min(0).max(1000).optional(),
        hpa: z.object({ min: z.number().int().min(1).max(1000).optional(), max: z.number().int().min(1).max(1000).optional(), targetCPU: z.number().int().min(1).max(100).optional() }).strict().optional(),
      })
      .strict()
      .optional(),
    exposure: z
      .object({
        service: z.union([z.literal(false), z.object({ type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer']).optional() }).strict()]).optional(),
        ingress: z.object({ host: z.string().regex(/^(\*\.)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'expected a host name such as app.example.com').optional(), path: z.string().regex(/^\//).optional(), tls: z.boolean().optional(), className: z.string().optional() }).strict().optional(),
      })
      .strict()
      .optional(),
    probes: z.union([z.literal(false), z.object({ type: z.enum(['http', 'tcp']), path: z.string().regex(/^\//).optional(), port: port.optional() }).strict()]).optional(),
    resources: z.object({ requests: z.object({ cpu: quantity.optional(), memory: quantity.optional() }).strict().optional(), limits: z.object({ cpu: quantity.optional(), memory: quantity.optional() }).strict().optional() }).strict().optional(),
    serviceAccount: z.union([z.boolean(), z.object({ name: z.string().optional() }).strict()]).optional(),
    networkPolicy: z.boolean().optional(),
    pdb: z.union([z.boolean(), z.object({ minAvailable: z.number().int().min(0).optional() }).strict()]).optional(),
  })
  .strict();

export type ChartSpec = z.infer<typeof chartSpecSchema>;

const planPort = z.object({ name: z.string().max(15), port, protocol: z.enum(['TCP', 'UDP']) }).strict();
const cpuMemory = z.object({ cpu: quantity, memory: quantity }).strict();

/** The complete plan: every decision made (by the caller or a stated default). What the files are generated from, and what the answer's data carries. */
export const chartPlanSchema = z
  .object({
    name: z.string().regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'expected a DNS-1123 chart name such as shop-web').max(53),
    namespace: z.string().optional(),
    workload: z.enum(['Deployment', 'StatefulSet']),
    image: z.object({ repository: z.string().min(1), tag: z.string().min(1) }).strict(),
    ports: z.array(planPort),
    config: z.record(envKey, z.string()),
    secrets: z.array(envKey),
    storage: z.object({ size: quantity, mountPath: z.string(), storageClass: z.string().optional(), accessMode: z.string() }).strict().optional(),
    scaling: z.object({ replicas: z.number().int().min(0), hpa: z.object({ min: z.number().int().min(1), max: z.number().int().min(1), targetCPU: z.number().int().min(1).max(100) }).strict().optional() }).strict(),
    exposure: z
      .object({
        service: z.object({ type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer']) }).strict().optional(),
        ingress: z.object({ host: z.string(), path: z.string(), tls: z.boolean(), className: z.string().optional() }).strict().optional(),
      })
      .strict(),
    probes: z.object({ type: z.enum(['http', 'tcp']), path: z.string().optional(), port }).strict().optional(),
    resources: z.object({ requests: cpuMemory, limits: cpuMemory }).strict(),
    serviceAccount: z.object({ name: z.string().optional() }).strict().optional(),
    networkPolicy: z.boolean(),
    pdb: z.object({ minAvailable: z.number().int().min(0) }).strict().optional(),
  })
  .strict();

export type ChartPlan = z.infer<typeof chartPlanSchema>;
export type PlanPort = ChartPlan['ports'][number];

/** The data part that carries a structured spec: `{ chart: {...} }`. */
export function specFromData(data: readonly unknown[]): { spec: ChartSpec; secretValues: string[] } | { error: string } | undefined {
  const part = data.find((d): d is { chart: unknown } => typeof d === 'object' && d !== null && !Array.isArray(d) && 'chart' in d);
  if (!part) return undefined;
  const parsed = chartSpecSchema.safeParse(part.chart);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `chart.${i.path.join('.') || '(root)'}: ${i.message}`);
    return { error: issues.join('; ') };
  }
  const secretValues = parsed.data.secrets && !Array.isArray(parsed.data.secrets) ? Object.values(parsed.data.secrets).filter((v) => v.length > 0) : [];
  return { spec: { ...parsed.data, ...(parsed.data.secrets ? { secrets: secretKeysOf(parsed.data.secrets) } : {}) }, secretValues };
}

/** Key names of a secrets field: values are never kept. */
export function secretKeysOf(secrets: NonNullable<ChartSpec['secrets']>): string[] {
  return Array.isArray(secrets) ? [...new Set(secrets)] : Object.keys(secrets);
}

/** `nginx:1.27` → { repository: nginx, tag: 1.27 } (a registry port is not a tag; a digest stays in the repository). */
export function splitImage(image: NonNullable<ChartSpec['image']>): { repository: string; tag?: string } {
  if (typeof image !== 'string') return image;
  if (image.includes('@')) return { repository: image };
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? { repository: image.slice(0, colon), tag: image.slice(colon + 1) } : { repository: image };
}

/** Two specs merged: what `later` says wins, nested objects merged one level. */
export function mergeSpecs(earlier: ChartSpec, later: ChartSpec): ChartSpec {
  const out: Record<string, unknown> = { ...earlier };
  for (const [k, v] of Object.entries(later)) {
    if (v === undefined) continue;
    const before = out[k];
    out[k] = before && typeof before === 'object' && !Array.isArray(before) && v && typeof v === 'object' && !Array.isArray(v) ? { ...before, ...v } : v;
  }
  return out as ChartSpec;
}
