/**
 * Component version skew, pure — the official policy, https://kubernetes.io/releases/version-skew-policy/:
 * - kubelet: never newer than kube-apiserver; up to 3 minors older (2 before v1.28);
 * - kube-proxy: the same against kube-apiserver, and within 3 minors (either way) of its node's kubelet;
 * - kube-controller-manager, kube-scheduler, cloud-controller-manager: never newer than
 *   kube-apiserver, at most 1 minor older;
 * - kubectl: within 1 minor (older or newer) of kube-apiserver;
 * - etcd is versioned on its own (not in the policy): reported, not judged.
 * A component the API cannot show (host processes, managed control planes) is "not visible".
 */
import { type SemVer, minorsBehind, parseVersion } from './versions.js';

export type SkewComponent = 'kubelet' | 'kube-proxy' | 'kube-controller-manager' | 'kube-scheduler' | 'cloud-controller-manager' | 'etcd' | 'kubectl';
export type SkewStatus = 'ok' | 'violation' | 'not-visible' | 'info';

export interface ComponentVersion {
  component: SkewComponent;
  /** node name, pod name, or "client". */
  instance: string;
  version: string | undefined;
  /** Where the version was read (node status, pod image, kubectl version). */
  source: string;
  /** For kube-proxy: the kubelet version of its node. */
  kubelet?: string | undefined;
}

export interface SkewRow extends ComponentVersion {
  status: SkewStatus;
  rule: string;
  problem?: string;
}

export interface SkewReport {
  apiServer: string | undefined;
  rows: SkewRow[];
  violations: number;
  notVisible: SkewComponent[];
  ok: boolean;
  summary: string;
}

/** Minors a kubelet (and kube-proxy) may trail kube-apiserver by: 3 since v1.28, 2 before. */
export const kubeletMaxSkew = (api: SemVer): number => (api.major === 1 && api.minor < 28 ? 2 : 3);

const RULES: Record<SkewComponent, string> = {
  kubelet: 'not newer than kube-apiserver, up to 3 minors older (2 before v1.28)',
  'kube-proxy': 'not newer than kube-apiserver, up to 3 minors older; within 3 minors of its kubelet',
  'kube-controller-manager': 'not newer than kube-apiserver, at most 1 minor older',
  'kube-scheduler': 'not newer than kube-apiserver, at most 1 minor older',
  'cloud-controller-manager': 'not newer than kube-apiserver, at most 1 minor older',
  etcd: 'versioned separately (not in the skew policy): use the etcd version your Kubernetes release was tested with',
  kubectl: 'within 1 minor (older or newer) of kube-apiserver',
};

/** Judges one component against the API server. */
export function judgeComponent(c: ComponentVersion, apiServer: string | undefined): SkewRow {
  const rule = RULES[c.component];
  const base = { ...c, rule };
  if (c.version === undefined || c.version === '') return { ...base, status: 'not-visible', problem: `${c.component} is not visible from the API (${c.source})` };
  if (c.component === 'etcd') return { ...base, status: 'info' };
  const v = parseVersion(c.version);
  const api = parseVersion(apiServer);
  if (!v) return { ...base, status: 'violation', problem: `version "${c.version}" is unreadable` };
  if (!api) return { ...base, status: 'info', problem: 'the API server version is unknown, so the skew cannot be judged' };
  const behind = minorsBehind(v, api);
  if (behind === undefined) return { ...base, status: 'violation', problem: `${c.version} is on another major version than kube-apiserver ${api.raw}` };
  const fail = (problem: string): SkewRow => ({ ...base, status: 'violation', problem });
  switch (c.component) {
    case 'kubectl':
      return Math.abs(behind) > 1 ? fail(`kubectl ${c.version} is ${Math.abs(behind)} minors ${behind > 0 ? 'older' : 'newer'} than kube-apiserver ${api.raw} (±1 supported)`) : { ...base, status: 'ok' };
    case 'kube-controller-manager':
    case 'kube-scheduler':
    case 'cloud-controller-manager':
      if (behind < 0) return fail(`${c.component} ${c.version} is newer than kube-apiserver ${api.raw}`);
      return behind > 1 ? fail(`${c.component} ${c.version} is ${behind} minors older than kube-apiserver ${api.raw} (at most 1)`) : { ...base, status: 'ok' };
    default: {
      const max = kubeletMaxSkew(api);
      if (behind < 0) return fail(`${c.component} ${c.version} is newer than kube-apiserver ${api.raw}`);
      if (behind > max) return fail(`${c.component} ${c.version} is ${behind} minors older than kube-apiserver ${api.raw} (at most ${max})`);
      if (c.component === 'kube-proxy' && c.kubelet) {
        const gap = minorsBehind(v, parseVersion(c.kubelet));
        if (gap !== undefined && Math.abs(gap) > 3) return fail(`kube-proxy ${c.version} is ${Math.abs(gap)} minors away from its kubelet ${c.kubelet} (at most 3)`);
      }
      return { ...base, status: 'ok' };
    }
  }
}

export function skewReport(apiServer: string | undefined, components: ComponentVersion[]): SkewReport {
  const rows = components.map((c) => judgeComponent(c, apiServer));
  const violations = rows.filter((r) => r.status === 'violation');
  const notVisible = [...new Set(rows.filter((r) => r.status === 'not-visible').map((r) => r.component))];
  const seen = [...new Set(rows.filter((r) => r.status !== 'not-visible').map((r) => r.component))];
  const summary = `${violations.length ? `${violations.length} component(s) outside the version skew policy: ${violations.map((r) => `${r.component} ${r.instance} (${r.problem})`).join('; ')}` : `Every visible component is within the version skew policy${seen.length ? ` (${seen.join(', ')})` : ''}`}${notVisible.length ? `; not visible from the API: ${notVisible.join(', ')}` : ''}.`;
  return { apiServer, rows, violations: violations.length, notVisible, ok: violations.length === 0, summary };
}

/** "registry.k8s.io/kube-scheduler:v1.34.4" → "v1.34.4"; "etcd:3.6.4-0" → "3.6.4-0"; digests and tag-less images → undefined. */
export function imageTag(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const last = image.split('@')[0]!.split('/').pop() ?? '';
  const i = last.lastIndexOf(':');
  return i > 0 ? last.slice(i + 1) : undefined;
}
