/** A plain object (a JSON mapping): not null, not an array. For reading untyped data — tool results, data parts, YAML. */
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
