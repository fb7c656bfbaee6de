/** Kubernetes names: checks and normalization (pure). */

export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && DNS1123_LABEL.test(value);
}

/**
 * A DNS-1123 label (also a valid DNS-1035 label: starts with a letter) made from any text:
 * "My_Web.App" → "my-web-app", "2048" → "app-2048", "" → fallback.
 */
export function normalizeName(value: string, fallback = 'app'): string {
  let out = value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!out) out = fallback;
  if (!/^[a-z]/.test(out)) out = `${fallback}-${out}`;
  out = out.slice(0, 63).replace(/-+$/, '');
  return out || fallback;
}

/** The repository part of an image reference, without registry, tag or digest: "docker.io/library/nginx:1.27" → "nginx". */
export function imageBaseName(image: string): string {
  const noDigest = image.split('@')[0] ?? image;
  const parts = noDigest.split('/');
  const last = parts[parts.length - 1] ?? noDigest;
  return last.split(':')[0] ?? last;
}

/** The repository path without tag/digest and without a docker.io/library prefix: "bitnami/redis". */
export function imageRepository(image: string): string {
  const noDigest = image.split('@')[0] ?? image;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const repo = colon > slash ? noDigest.slice(0, colon) : noDigest;
  return repo.replace(/^(docker\.io\/)?(library\/)?/, '');
}

export const IMAGE_REFERENCE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

export function isImageReference(value: string): boolean {
  return value.length <= 255 && IMAGE_REFERENCE.test(value);
}
