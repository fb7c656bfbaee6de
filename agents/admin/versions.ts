/**
 * Versions and skew, pure. The skew policy (https://kubernetes.io/releases/version-skew-policy/):
 * a kubelet must not be newer than kube-apiserver and may be up to three minor versions older.
 */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  raw: string;
}

export const MAX_KUBELET_SKEW = 3;

/** "v1.34.4", "1.34.4-gke.100", "v1.34.4+k3s1" → 1.34.4; undefined for anything else. */
export function parseVersion(v: string | null | undefined): SemVer | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), raw: v.trim() };
}

/** Minor versions a is behind b (negative when newer); undefined across majors or unreadable versions. */
export function minorsBehind(a: SemVer | undefined, b: SemVer | undefined): number | undefined {
  if (!a || !b || a.major !== b.major) return undefined;
  return b.minor - a.minor;
}

export interface KubeletVersion {
  node: string;
  version: string;
  /** Minor versions behind the API server; undefined when either version is unknown. */
  behind: number | undefined;
  ok: boolean;
  problem?: string;
}

export interface VersionReport {
  apiServer: string | undefined;
  kubelets: KubeletVersion[];
  distinctKubeletVersions: string[];
  /** Every kubelet within the skew policy (and all readable). */
  skewOk: boolean;
  summary: string;
}

export function versionReport(apiServer: string | undefined, nodes: Array<{ name?: string; version?: string }>): VersionReport {
  const api = parseVersion(apiServer);
  const kubelets: KubeletVersion[] = (Array.isArray(nodes) ? nodes : []).map((n) => {
    const node = n?.name ?? '<unnamed>';
    const version = n?.version ?? '';
    const v = parseVersion(version);
    const behind = minorsBehind(v, api);
    if (!v) return { node, version, behind, ok: false, problem: `kubelet version "${version}" is unreadable` };
    if (!api) return { node, version, behind, ok: true };
    if (behind === undefined) return { node, version, behind, ok: false, problem: `kubelet ${version} is on another major version than the API server ${api.raw}` };
    if (behind < 0) return { node, version, behind, ok: false, problem: `kubelet ${version} is newer than the API server ${api.raw} (not supported)` };
    if (behind > MAX_KUBELET_SKEW) return { node, version, behind, ok: false, problem: `kubelet ${version} is ${behind} minor versions behind the API server ${api.raw} (at most ${MAX_KUBELET_SKEW} supported)` };
    return { node, version, behind, ok: true };
  });
  const distinct = [...new Set(kubelets.map((k) => k.version))];
  const skewOk = kubelets.every((k) => k.ok);
  const apiText = api ? `The API server runs Kubernetes ${api.raw}` : 'The API server version is unknown';
  const kubeletText =
    kubelets.length === 0
      ? 'no nodes reported a kubelet version'
      : distinct.length === 1
        ? `all ${kubelets.length} kubelets run ${distinct[0]}`
        : `the kubelets run ${distinct.map((d) => `${d} (${kubelets.filter((k) => k.version === d).map((k) => k.node).join(', ')})`).join(', ')}`;
  const skewText = skewOk ? 'within the version skew policy' : `outside the skew policy: ${kubelets.filter((k) => !k.ok).map((k) => `${k.node}: ${k.problem}`).join('; ')}`;
  return { apiServer: api?.raw ?? apiServer, kubelets, distinctKubeletVersions: distinct, skewOk, summary: `${apiText}; ${kubeletText} — ${skewText}.` };
}
