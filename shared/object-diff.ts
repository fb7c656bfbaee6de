/**
 * What a change does to objects, as a unified diff a person can review before saying yes:
 * the object as it is against the server's dry run of the change (or a manifest against
 * another). Pure logic, Secret values masked before anything is compared as text.
 */
import { createTwoFilesPatch } from 'diff';
import { describeSecretValue, type KubeObjectLike, maskSecretValues } from './redact.js';
import { toYaml } from './yaml.js';

/** Fields the server changes on every write; in a diff they are noise that hides the change. */
const METADATA_NOISE = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp', 'selfLink'];

/**
 * The object as a reviewer wants to compare it: apiVersion, kind, metadata first (servers and
 * clients order keys differently), without write noise, and without status — a write never
 * sets status, while controllers change it between the two reads.
 */
function withoutNoise(object: KubeObjectLike): KubeObjectLike {
  const { apiVersion, kind, metadata, status: _status, ...rest } = object;
  const cleanMetadata = metadata ? { ...metadata } : undefined;
  for (const key of METADATA_NOISE) if (cleanMetadata) delete cleanMetadata[key];
  return { apiVersion, kind, ...(cleanMetadata ? { metadata: cleanMetadata } : {}), ...rest };
}

/**
 * Both sides of a Secret masked, each value as "*** (N bytes)" and, where the change replaces a
 * value, "*** (N bytes, changed)": a reviewer sees which keys change without seeing a value.
 */
export function maskSecretPair(before: KubeObjectLike | undefined, after: KubeObjectLike | undefined): [KubeObjectLike | undefined, KubeObjectLike | undefined] {
  const maskedBefore = before && maskSecretValues(before);
  if (!after || after.kind !== 'Secret') return [maskedBefore, after && maskSecretValues(after)];
  const maskedAfter = maskSecretValues(after);
  const changed = (field: 'data' | 'stringData', base64: boolean) => {
    const values = after[field];
    if (!values) return undefined;
    return Object.fromEntries(
      Object.entries(values).map(([key, value]) => {
        const previous = before?.[field]?.[key];
        const described = describeSecretValue(value, base64);
        return [key, previous !== undefined && previous !== value ? described.replace(/\)$/, ', changed)') : described];
      }),
    );
  };
  const data = changed('data', true);
  const stringData = changed('stringData', false);
  return [maskedBefore, { ...maskedAfter, ...(data ? { data } : {}), ...(stringData ? { stringData } : {}) }];
}

/** A unified diff between two texts, without the "Index:/===" preamble; empty when they are equal. */
export function textDiff(label: string, before: string, after: string): string {
  if (before === after) return '';
  const patch = createTwoFilesPatch(`${label} (current)`, `${label} (after)`, before.endsWith('\n') || !before ? before : `${before}\n`, after.endsWith('\n') || !after ? after : `${after}\n`, undefined, undefined, { context: 3 });
  return patch.replace(/^={3,}\n/m, '').trimEnd();
}

/** The YAML diff of one object before and after a change (undefined: it does not exist on that side). */
export function objectDiff(label: string, before: KubeObjectLike | undefined, after: KubeObjectLike | undefined): string {
  const [b, a] = maskSecretPair(before && withoutNoise(before), after && withoutNoise(after));
  return textDiff(label, b ? `${toYaml(b)}\n` : '', a ? `${toYaml(a)}\n` : '');
}
