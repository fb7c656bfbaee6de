/** The shape of the Kubernetes objects a backup holds, checked with zod wherever they are read (API answers, backup files). */
import { z } from 'zod';

export const kubeObjectSchema = z
  .object({
    apiVersion: z.string().min(1),
    kind: z.string().min(1),
    metadata: z
      .object({
        name: z.string().min(1),
        namespace: z.string().min(1).optional(),
        uid: z.string().optional(),
        labels: z.record(z.string(), z.string()).optional(),
        annotations: z.record(z.string(), z.string()).optional(),
        ownerReferences: z.array(z.object({ uid: z.string(), kind: z.string(), name: z.string(), controller: z.boolean().optional() }).passthrough()).optional(),
      })
      .passthrough(),
  })
  .passthrough();

export type KubeObject = z.infer<typeof kubeObjectSchema>;

/** "apps/v1" → "apps"; "v1" → "" (the core group). */
export const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

/** The folder a kind is stored in: `<Kind>.<group>`, with "core" for the core group. */
export const kindFolder = (kind: string, apiVersion: string): string => `${kind}.${groupOf(apiVersion) || 'core'}`;

/** "Deployment shop/web", "Namespace shop": how a person names an object. */
export function refOf(o: { kind: string; metadata: { name: string; namespace?: string | undefined } }): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}
