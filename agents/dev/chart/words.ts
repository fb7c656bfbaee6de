/**
 * A chart request in plain words ("a helm chart for nginx:1.27 on port 8080 with an ingress on
 * shop.example.com with TLS") parsed into a ChartSpec (pure, deterministic; what is not said is
 * left out, so completing the plan can ask for it or state a default). Secret values written in
 * the request are never kept: only the key names.
 */
import { keyValues } from '../../../shared/secret-literals.js';
import { isImageReference } from '../names.js';
import { findImage } from '../request.js';
import type { ChartSpec } from './spec.js';

const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 };
const num = (w: string | undefined) => (w === undefined ? undefined : /^\d+$/.test(w) ? Number(w) : NUMBER_WORDS[w.toLowerCase()]);
const QUANTITY = String.raw`\d+(?:\.\d+)?(?:Mi|Gi|Ti|M|G|T)`;
const SECRET_KEY = /(pass(word)?|secret|token|credential|api[_-]?key|private)/i;

/** An image named outright: "image X", "chart for nginx:1.27", "runs ghcr.io/acme/api:2.1". */
function imageOf(text: string): string | undefined {
  const explicit = /\bchart\s+(?:for|of)\s+(?:an?\s+|the\s+)?["'`]?([^\s"'`,]+[:/][^\s"'`,]+)/i.exec(text)?.[1]?.replace(/[.,;:!?]+$/, '');
  if (explicit && isImageReference(explicit)) return explicit;
  const found = findImage(text);
  if (found) return found;
  // Any word written as repository:tag ("a postgres:16.4 database").
  for (const m of text.matchAll(/(?<![\w=/.-])([a-z0-9][a-z0-9._/-]*:[A-Za-z0-9_][A-Za-z0-9_.-]*)(?![\w=])/g)) {
    const candidate = m[1]!.replace(/[.]+$/, '');
    if (isImageReference(candidate) && !/^\d+:\d+$/.test(candidate)) return candidate;
  }
  return undefined;
}

function portsOf(text: string): number[] {
  const ports: number[] = [];
  for (const m of text.matchAll(/\bports?\s*[:=]?\s*(\d{1,5}(?:\s*(?:,|and|&)\s*\d{1,5})*)/gi)) {
    for (const p of m[1]!.split(/\s*(?:,|and|&)\s*/)) {
      const n = Number(p);
      if (n >= 1 && n <= 65535 && !ports.includes(n)) ports.push(n);
    }
  }
  for (const m of text.matchAll(/\b(?:listens?|listening|exposes?|serves?)\s+(?:on\s+)?(?:port\s+)?(\d{1,5})\b/gi)) {
    const n = Number(m[1]);
    if (n >= 1 && n <= 65535 && !ports.includes(n)) ports.push(n);
  }
  return ports;
}

/** KEY=value pairs split into config entries and secret key names (by the word nearest before them, or a secret-like key). */
function configAndSecrets(text: string): { config: Record<string, string>; secrets: string[] } {
  const config: Record<string, string> = {};
  const secrets: string[] = [];
  for (const [key, value] of keyValues(text)) {
    if (/^(replicas|namespace|name|image|port|tag)$/i.test(key)) continue;
    const before = text.slice(0, text.indexOf(`${key}=`)).toLowerCase();
    const secretAt = Math.max(before.lastIndexOf('secret'), before.lastIndexOf('password'), before.lastIndexOf('credential'));
    const configAt = Math.max(before.lastIndexOf('config'), before.lastIndexOf('setting'), before.lastIndexOf('env'));
    if (SECRET_KEY.test(key) || secretAt > configAt) {
      if (!secrets.includes(key)) secrets.push(key);
    } else config[key] = value;
  }
  // "secrets DB_PASSWORD and API_TOKEN" (names without values)
  for (const m of text.matchAll(/\bsecrets?\s+(?:keys?\s+|named\s+|called\s+)?([A-Z_][A-Z0-9_]*(?:\s*(?:,|and)\s*[A-Z_][A-Z0-9_]*)*)(?![=\w])/g)) {
    for (const key of m[1]!.split(/\s*(?:,|and)\s*/)) if (key && !secrets.includes(key)) secrets.push(key);
  }
  return { config, secrets };
}

export function chartSpecFromWords(input: string): ChartSpec {
  const text = input.slice(0, 4000);
  const t = text.toLowerCase();
  const spec: ChartSpec = {};

  const image = imageOf(text);
  if (image) spec.image = image;
  const name = /\b(?:named|called)\s+["'`]?([^\s"'`,]+)/i.exec(text)?.[1]?.replace(/[.,;:!?]+$/, '');
  if (name) spec.name = name.slice(0, 53);
  const ns = /\b(?:in|into|for)\s+(?:the\s+)?namespace\s+["'`]?([a-z0-9][-a-z0-9]*)/i.exec(text)?.[1];
  if (ns) spec.namespace = ns;

  if (/\b(stateful\s*set|stateful|database|\bdb\b|postgres|mysql|mariadb|mongo)/.test(t)) spec.workload = 'StatefulSet';
  else if (/\bdeployment\b/.test(t)) spec.workload = 'Deployment';

  const ports = portsOf(text);
  if (ports.length) spec.ports = ports;

  const { config, secrets } = configAndSecrets(text);
  if (Object.keys(config).length) spec.config = config;
  if (secrets.length) spec.secrets = secrets;

  const wantsStorage = /\b(storage|volume|persist\w*|disk|pvc)\b/.test(t);
  const size = new RegExp(`\\b(${QUANTITY})\\b`, 'i').exec(text)?.[1];
  const mountPath = /\b(?:mounted\s+(?:at|on)|mount\s*path|at\s+path|at)\s+(\/[^\s,;"'`]*)/i.exec(text)?.[1];
  const storageClass = /\bstorage\s*class(?:\s*name)?\s*[:=]?\s*["'`]?([a-z0-9][-a-z0-9.]*)/i.exec(text)?.[1];
  if (wantsStorage || size) {
    spec.storage = { ...(size ? { size: size.replace(/^(\d+(?:\.\d+)?)(M|G|T)$/, '$1$2i') } : {}), ...(mountPath ? { mountPath } : {}), ...(storageClass ? { storageClass } : {}) };
  }

  const replicas = /\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:replicas?|instances?|copies|pods)\b/i.exec(text) ?? /\breplicas?\s*[:=]?\s*(\d+)\b/i.exec(text);
  const hpaWanted = /\b(autoscal\w*|hpa|horizontal\s+pod\s+autoscaler)\b/.test(t);
  const between = /\b(?:between|from)\s+(\d+)\s+(?:and|to)\s+(\d+)\b/i.exec(text);
  const min = /\bmin(?:imum)?\s*(?:of\s+)?(\d+)/i.exec(text)?.[1];
  const max = /\bmax(?:imum)?\s*(?:of\s+)?(\d+)/i.exec(text)?.[1];
  const cpu = /(\d{1,3})\s*%\s*(?:of\s+)?cpu\b/i.exec(text)?.[1] ?? /\bcpu\s+(?:target\s+|at\s+|of\s+)?(\d{1,3})\s*%/i.exec(text)?.[1];
  const scaling: NonNullable<ChartSpec['scaling']> = {};
  const r = num(replicas?.[1]);
  if (r !== undefined) scaling.replicas = r;
  if (hpaWanted || between) {
    scaling.hpa = {
      ...(between ? { min: Number(between[1]), max: Number(between[2]) } : {}),
      ...(min ? { min: Number(min) } : {}),
      ...(max ? { max: Number(max) } : {}),
      ...(cpu ? { targetCPU: Number(cpu) } : {}),
    };
  }
  if (Object.keys(scaling).length) spec.scaling = scaling;

  const exposure: NonNullable<ChartSpec['exposure']> = {};
  const noService = /\b(?:no|without(?:\s+an?)?)\s+service\b(?!\s*account)/;
  const mentionsService = /\b(?:service|svc|expose[sd]?)\b(?!\s*account)/.test(t.replace(new RegExp(noService.source, 'g'), ''));
  if (noService.test(t) || (/\b(worker|consumer|background)\b/.test(t) && !mentionsService)) exposure.service = false;
  if (/\bnode\s*port\b/.test(t)) exposure.service = { type: 'NodePort' };
  else if (/\bload\s*balancer\b/.test(t)) exposure.service = { type: 'LoadBalancer' };
  else if (mentionsService && exposure.service === undefined) exposure.service = {};
  if (/\bingress\b|\bhost\s+[a-z0-9-]+\.[a-z]/.test(t)) {
    const host = /\b(?:host(?:name)?|on|at|domain)\s+["'`]?((?:\*\.)?[a-z0-9][-a-z0-9]*(?:\.[a-z0-9][-a-z0-9]*)+)/i.exec(text)?.[1];
    const path = /\bpath\s+["'`]?(\/[^\s"'`,;]*)/i.exec(text)?.[1];
    const cls = /\b(?:ingress\s*class(?:\s*name)?|class)\s+["'`]?([a-z0-9][-a-z0-9.]*)/i.exec(text)?.[1];
    exposure.ingress = { ...(host ? { host: host.toLowerCase() } : {}), ...(path ? { path } : {}), ...(/\b(tls|https|certificate)\b/.test(t) ? { tls: true } : {}), ...(cls ? { className: cls } : {}) };
  }
  if (Object.keys(exposure).length) spec.exposure = exposure;

  if (/\bno\s+probes?\b/.test(t)) spec.probes = false;
  else if (/\btcp(?:[-\s]?probe[sd]?|\s+(?:health\s*)?check)\b|\bprobed?\s+(?:over|by|with)\s+tcp\b/.test(t)) spec.probes = { type: 'tcp' };
  else {
    const probePath = /\b(?:health\s*(?:check)?|probe[sd]?|readiness|liveness)\s+(?:on\s+|at\s+|path\s+)?(\/[^\s"'`,;]*)/i.exec(text)?.[1];
    if (probePath) spec.probes = { type: 'http', path: probePath };
  }

  const reqCpu = /\bcpu\s+(?:request\s+)?(\d+m|\d+(?:\.\d+)?)(?!\s*%)\b/i.exec(text)?.[1];
  const reqMem = new RegExp(`\\bmemory\\s+(?:request\\s+)?(${QUANTITY})\\b`, 'i').exec(text)?.[1];
  if (reqCpu || reqMem) spec.resources = { requests: { ...(reqCpu ? { cpu: reqCpu } : {}), ...(reqMem ? { memory: reqMem } : {}) } };

  const sa = /\bservice\s*account\b(?:\s+(?:named\s+|called\s+)?["'`]?([a-z0-9][-a-z0-9]*))?/i.exec(text);
  if (sa) spec.serviceAccount = sa[1] && !/^(and|with|plus|a|the)$/.test(sa[1]) ? { name: sa[1] } : true;
  if (/\b(no|without(?:\s+a)?)\s+network\s*polic(y|ies)\b/.test(t)) spec.networkPolicy = false;
  else if (/\bnetwork\s*polic(y|ies)\b/.test(t)) spec.networkPolicy = true;
  if (/\b(no|without(?:\s+a)?)\s+(pdb|pod\s*disruption\s*budget)\b/.test(t)) spec.pdb = false;
  else if (/\b(pdb|pod\s*disruption\s*budget|disruption\s+budget)\b/.test(t)) spec.pdb = true;
  return spec;
}
