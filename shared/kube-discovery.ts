import { closest, distance } from 'fastest-levenshtein';
import { UserError } from './errors.js';
import type { KubeClient } from './kube.js';
import { kubeRequest } from './kube-http.js';

/** One kind the cluster serves, as discovery describes it. */
export interface ApiResource {
  group: string;
  version: string;
  /** `v1` or `apps/v1`. */
  apiVersion: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  verbs: string[];
}

interface ResourceList {
  groupVersion: string;
  resources: Array<{ name: string; singularName?: string; namespaced: boolean; kind: string; verbs?: string[]; shortNames?: string[] }>;
}

// Where two groups serve the same name (events, v1 and events.k8s.io), kubectl's choice wins.
const GROUP_PRIORITY = ['', 'apps', 'batch', 'autoscaling', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'storage.k8s.io'];

/** The kinds a cluster serves, with kubectl's ways of naming them (plural, singular, short, Kind, plural.group). */
export class ResourceCatalog {
  private constructor(readonly resources: ApiResource[]) {}

  static async load(client: KubeClient): Promise<ResourceCatalog> {
    const [core, groups] = await Promise.all([
      kubeRequest(client, { path: '/api/v1' }),
      kubeRequest(client, { path: '/apis' }),
    ]);
    const preferred = ((groups.json as { groups?: Array<{ preferredVersion?: { groupVersion: string } }> }).groups ?? [])
      .map((g) => g.preferredVersion?.groupVersion)
      .filter((gv): gv is string => Boolean(gv));
    // A group whose aggregated API is down must not take discovery down with it.
    const lists = await Promise.all(preferred.map((gv) => kubeRequest(client, { path: `/apis/${gv}` }).then((r) => r.json as ResourceList).catch(() => undefined)));
    const resources = [core.json as ResourceList, ...lists]
      .filter((l): l is ResourceList => Boolean(l?.resources))
      .flatMap((list) => {
        const [group, version] = list.groupVersion.includes('/') ? list.groupVersion.split('/') : ['', list.groupVersion];
        return list.resources
          .filter((r) => !r.name.includes('/'))
          .map((r) => ({
            group: group!,
            version: version!,
            apiVersion: list.groupVersion,
            kind: r.kind,
            plural: r.name,
            singular: r.singularName || r.kind.toLowerCase(),
            shortNames: r.shortNames ?? [],
            namespaced: r.namespaced,
            verbs: r.verbs ?? [],
          }));
      });
    return new ResourceCatalog(resources);
  }

  /** Resolves `pods`, `po`, `Pod`, `deploy`, `deployments.apps`, `Deployment.apps`… or explains. */
  resolve(input: string): ApiResource {
    const wanted = input.trim();
    const lower = wanted.toLowerCase();
    const dot = lower.indexOf('.');
    const [name, group] = dot > 0 ? [lower.slice(0, dot), lower.slice(dot + 1)] : [lower, undefined];
    const matches = this.resources.filter(
      (r) =>
        (group === undefined || r.group === group || (group === 'core' && r.group === '')) &&
        (r.plural === name || r.singular === name || r.kind.toLowerCase() === name || r.shortNames.includes(name!)),
    );
    if (matches.length > 0) {
      const rank = (r: ApiResource) => {
        const i = GROUP_PRIORITY.indexOf(r.group);
        return i === -1 ? GROUP_PRIORITY.length : i;
      };
      return [...matches].sort((a, b) => rank(a) - rank(b))[0]!;
    }
    const names = this.resources.flatMap((r) => [r.plural, ...r.shortNames]);
    const guess = closest(name!, names);
    const hint = guess && distance(name!, guess) <= Math.max(2, Math.floor(name!.length / 3)) ? `did you mean "${guess}"? ` : '';
    throw new UserError(`the cluster serves no kind "${wanted}"`, `${hint}call k8s_api_resources to see every kind it serves`);
  }

  /**
   * The kind an object's apiVersion and kind name, served at that version (a manifest may use a
   * version other than the preferred one), or an error that says the cluster lacks it.
   */
  forObject(apiVersion: string, kind: string): ApiResource {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const found = this.resources.find((r) => r.group === group && r.kind === kind);
    if (!found) {
      const sameKind = this.resources.find((r) => r.kind === kind);
      throw new UserError(
        `the cluster serves no ${kind} in ${apiVersion}`,
        sameKind ? `it serves ${kind} as ${sameKind.apiVersion}` : 'install the CRD that defines it first, or check the spelling with k8s_api_resources',
      );
    }
    return { ...found, version: version!, apiVersion };
  }

  /** The API path of a collection or one object. */
  static path(r: ApiResource, namespace?: string, name?: string): string {
    const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
    const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${base}${ns}/${r.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
  }
}
