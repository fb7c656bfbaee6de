import { stringify } from 'yaml';

/** YAML as kubectl prints it: no line folding, no anchors. */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false }).trimEnd();
}
