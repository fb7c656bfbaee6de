import { describe, expect, it } from 'vitest';
import { commandsFor, manifestsFrom } from '../../agents/dev/generate-skill.js';
import { withoutSecretValues } from '../../shared/redact.js';
import { generateManifests, imageProfile, type Manifest } from '../../agents/dev/generate.js';
import { heal, parseFieldPath, type ObjectVerdict } from '../../agents/dev/heal.js';
import { chooseDevSkill, scrubValues } from '../../agents/dev/index.js';
import { kubectlCommand, KubectlArgumentError, parseKubectlRequest, shellQuote } from '../../agents/dev/kubectl.js';
import { imageBaseName, isImageReference, normalizeName } from '../../agents/dev/names.js';
import { keyValues, parseManifestRequest, scheduleFromText, secretValuesIn } from '../../agents/dev/request.js';
import { fieldCauses } from '../../mcp-servers/kubernetes/tools/validate.js';

type Container = { name: string; image: string; ports?: Array<{ containerPort: number }>; readinessProbe?: unknown; securityContext: Record<string, unknown>; command?: string[] };
const podOf = (m: Manifest) => ((m.spec as { template: { spec: { containers: Container[] } } }).template.spec);

describe('dev: request parsing', () => {
  it('the canonical request', () => {
    const plan = parseManifestRequest('Create a deployment of nginx with 2 replicas and a service');
    expect(plan).toMatchObject({ kinds: ['Deployment', 'Service'], image: 'nginx', replicas: 2, ports: [] });
    expect(plan.name).toBeUndefined();
    expect(plan.namespace).toBeUndefined();
  });

  it('name, namespace, port', () => {
    expect(parseManifestRequest('Create a deployment of nginx with 3 replicas and a service named web in namespace shop, port 8080')).toMatchObject({ name: 'web', namespace: 'shop', ports: [8080], replicas: 3 });
    expect(parseManifestRequest('deploy ghcr.io/acme/api:1.4 in the payments namespace with ports 8080 and 9090')).toMatchObject({ kinds: ['Deployment'], image: 'ghcr.io/acme/api:1.4', namespace: 'payments', ports: [8080, 9090] });
    expect(parseManifestRequest('a deployment of redis with three replicas in shop')).toMatchObject({ replicas: 3, namespace: 'shop' });
    // "namespace" is not "name space".
    expect(parseManifestRequest('Create a secret in namespace dev with value x1234').name).toBeUndefined();
  });

  it('CronJobs, Jobs and schedules', () => {
    expect(parseManifestRequest('Write a CronJob that runs busybox every hour')).toMatchObject({ kinds: ['CronJob'], image: 'busybox', schedule: '0 * * * *', scheduleText: 'every hour' });
    expect(parseManifestRequest('a job running alpine with command "echo hi"')).toMatchObject({ kinds: ['Job'], image: 'alpine', command: 'echo hi' });
    expect(scheduleFromText('every 5 minutes')?.cron).toBe('*/5 * * * *');
    expect(scheduleFromText('every 2 hours')?.cron).toBe('0 */2 * * *');
    expect(scheduleFromText('daily at 3:30am')?.cron).toBe('30 3 * * *');
    expect(scheduleFromText('every day at 11pm')?.cron).toBe('0 23 * * *');
    expect(scheduleFromText('every monday at noon')?.cron).toBe('0 12 * * 1');
    expect(scheduleFromText('weekly')?.cron).toBe('0 0 * * 0');
    expect(scheduleFromText('monthly')?.cron).toBe('0 0 1 * *');
    expect(scheduleFromText('every weekday at 9')?.cron).toBe('0 9 * * 1-5');
    expect(scheduleFromText("on schedule '*/15 * * * *'")?.cron).toBe('*/15 * * * *');
    expect(scheduleFromText('every 99 minutes')).toBeUndefined();
    expect(scheduleFromText('whenever')).toBeUndefined();
  });

  it('ConfigMap data and Secret keys; secret values are never kept in the plan', () => {
    expect(parseManifestRequest('a ConfigMap named x with KEY=value and MSG="hello world"')).toMatchObject({ kinds: ['ConfigMap'], name: 'x', data: { KEY: 'value', MSG: 'hello world' } });
    const secret = parseManifestRequest('Create a secret in namespace dev with value s3cr3t-Value');
    expect(secret).toMatchObject({ kinds: ['Secret'], namespace: 'dev', secretKeys: ['value'], secretValueGiven: true });
    expect(JSON.stringify(secret)).not.toContain('s3cr3t');
    const pairs = parseManifestRequest('a secret named db with password=hunter2222 and user=admin');
    expect(pairs.secretKeys).toEqual(['password', 'user']);
    expect(JSON.stringify(pairs)).not.toContain('hunter2222');
    // A word after "using" is no image when nothing runs one: it might be the secret.
    expect(parseManifestRequest('a secret using hunter2222').image).toBeUndefined();
    expect(secretValuesIn('Create a secret in namespace dev with value s3cr3t-Value')).toEqual(['s3cr3t-Value']);
    expect(secretValuesIn('a configmap with value abc')).toEqual([]);
    expect(keyValues('A=1 B="two words" -C=3')).toEqual([['A', '1'], ['B', 'two words']]);
  });

  it('odd input never throws', () => {
    for (const input of ['', ' ', '\u0000', 'replicas replicas', '9999999999999999999999 replicas of nginx', 'deployment of -rf', 'port 99999', 'a'.repeat(10_000), 'named', 'in namespace', '💥 deployment of 💥', undefined as unknown as string, 42 as unknown as string]) {
      const plan = parseManifestRequest(input);
      expect(Array.isArray(plan.kinds)).toBe(true);
      expect(() => generateManifests(plan)).not.toThrow();
      expect(() => parseKubectlRequest(input)).not.toThrow();
      expect(() => secretValuesIn(input)).not.toThrow();
    }
    expect(parseManifestRequest('9999 replicas of nginx').replicas).toBe(1000);
    expect(parseManifestRequest('deployment of nginx on port 99999').ports).toEqual([]);
    expect(parseManifestRequest('deployment of -rf').image).toBeUndefined();
  });
});

describe('dev: names and images', () => {
  it('normalizes to DNS-1123 labels that start with a letter', () => {
    expect(normalizeName('My_Web.App')).toBe('my-web-app');
    expect(normalizeName('2048')).toBe('app-2048');
    expect(normalizeName('---')).toBe('app');
    expect(normalizeName('Ünïcödé Name')).toBe('unicode-name');
    expect(normalizeName('x'.repeat(100))).toHaveLength(63);
    expect(imageBaseName('docker.io/library/nginx:1.27@sha256:' + 'a'.repeat(64))).toBe('nginx');
    expect(imageBaseName('localhost:5000/team/app:v1')).toBe('app');
    expect(isImageReference('nginx')).toBe(true);
    expect(isImageReference('NGINX')).toBe(false);
    expect(isImageReference('-rf')).toBe(false);
    expect(imageProfile('nginx:1.27').port).toBe(80);
    expect(imageProfile('docker.io/library/redis:7').port).toBe(6379);
  });
});

describe('dev: generation', () => {
  it('a deployment with defaults: labels, resources, probe, security context; a matching service', () => {
    const { manifests } = generateManifests(parseManifestRequest('Create a deployment of nginx with 2 replicas and a service'));
    const [dep, svc] = manifests as [Manifest, Manifest];
    expect(dep.metadata).toEqual({ name: 'nginx', labels: { 'app.kubernetes.io/name': 'nginx', 'app.kubernetes.io/managed-by': 'k8s-experts' } });
    const c = podOf(dep).containers[0]!;
    expect(c.image).toBe('nginx');
    expect(c.ports).toEqual([{ name: 'http', containerPort: 80, protocol: 'TCP' }]);
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/', port: 80 }, initialDelaySeconds: 5, periodSeconds: 10 });
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    // nginx starts as root: not forced non-root.
    expect(c.securityContext.runAsNonRoot).toBeUndefined();
    expect(svc.spec).toMatchObject({ type: 'ClusterIP', selector: { 'app.kubernetes.io/name': 'nginx' }, ports: [{ port: 80, targetPort: 80 }] });
  });

  it('non-root where the image allows it; no probe without a port', () => {
    const cron = generateManifests(parseManifestRequest('a CronJob that runs busybox every hour')).manifests[0]!;
    const c = (cron.spec as { jobTemplate: { spec: { template: { spec: { containers: Container[]; restartPolicy: string } } } } }).jobTemplate.spec.template.spec;
    expect(c.restartPolicy).toBe('OnFailure');
    expect(c.containers[0]!.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534 });
    expect(c.containers[0]!.readinessProbe).toBeUndefined();
  });

  it('a Secret holds *** placeholders only, and its command is create secret generic', () => {
    const { manifests, notes } = generateManifests(parseManifestRequest('a secret named db in namespace dev with password=hunter2222'));
    expect(manifests[0]).toMatchObject({ kind: 'Secret', metadata: { name: 'db', namespace: 'dev' }, stringData: { password: '***' } });
    expect(notes.join(' ')).toContain('read -s');
    expect(commandsFor(manifests).map((c) => c.argv)).toEqual([['kubectl', 'create', 'secret', 'generic', 'db', '--from-literal=password=***', '-n', 'dev']]);
    expect(withoutSecretValues({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'c2VjcmV0' } })).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { a: '***' } });
  });

  it('reads manifests from text', () => {
    expect(manifestsFrom('Check this:\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n')?.map((m) => m.kind)).toEqual(['ConfigMap']);
    expect(manifestsFrom('no yaml here')).toBeUndefined();
    expect(manifestsFrom('apiVersion: [\nkind: x')).toBeUndefined();
  });
});

describe('dev: self-heal from the server\'s verdict', () => {
  const verdict = (kind: string, name: string, code: number, message: string, causes = fieldCauses(message)): ObjectVerdict => ({ kind, apiVersion: 'v1', name, namespace: 'default', status: 'invalid', valid: false, error: { code, reason: 'Invalid', message, causes } });

  it('field causes from the API server\'s messages', () => {
    expect(fieldCauses('Deployment.apps "x" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0')).toEqual([{ field: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0' }]);
    const two = fieldCauses(`Deployment.apps "Web_App" is invalid: [metadata.name: Invalid value: "Web_App": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]'), spec.replicas: Invalid value: -1: must be greater than or equal to 0]`);
    expect(two.map((c) => c.field)).toEqual(['metadata.name', 'spec.replicas']);
    expect(fieldCauses('strict decoding error: unknown field "spec.template.spec.containers[0].bogus"')).toEqual([{ field: 'spec.template.spec.containers[0].bogus', message: 'unknown field' }]);
    expect(fieldCauses('.spec.template.spec.containers[name="w"].bogus: field not declared in schema')[0]!.field).toBe('spec.template.spec.containers[name="w"].bogus');
    expect(fieldCauses('')).toEqual([]);
    expect(parseFieldPath('spec.containers[0].name')).toEqual(['spec', 'containers', 0, 'name']);
  });

  it('renames an invalid name everywhere it is used', () => {
    const { manifests } = generateManifests(parseManifestRequest('a deployment of nginx named Web_App with a service'));
    const message = 'Deployment.apps "Web_App" is invalid: metadata.name: Invalid value: "Web_App": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters';
    const healed = heal(manifests, [verdict('Deployment', 'Web_App', 422, message), verdict('Service', 'Web_App', 422, message.replace('Deployment.apps', 'Service'))]);
    expect(healed.unfixable).toEqual([]);
    expect(healed.fixes).toHaveLength(1);
    expect(JSON.stringify(healed.manifests)).not.toContain('Web_App');
    expect(healed.manifests.map((m) => m.metadata.name)).toEqual(['web-app', 'web-app']);
    // The input is not modified.
    expect(manifests[0]!.metadata.name).toBe('Web_App');
  });

  it('removes unknown fields, adds a missing namespace, switches an unserved apiVersion, leaves the rest', () => {
    const m: Manifest[] = [{ apiVersion: 'extensions/v1beta1', kind: 'Deployment', metadata: { name: 'a', namespace: 'dev' }, spec: { bogus: 1, replicas: 1 } }];
    const unknown = heal(m, [verdict('Deployment', 'a', 400, 'strict decoding error: unknown field "spec.bogus"')]);
    expect(unknown.manifests[0]!.spec).toEqual({ replicas: 1 });
    const ns = heal(m, [verdict('Deployment', 'a', 404, 'namespaces "dev" not found')]);
    expect(ns.manifests.map((x) => x.kind)).toEqual(['Namespace', 'Deployment']);
    const version = heal(m, [verdict('Deployment', 'a', 0, 'the cluster serves no Deployment in extensions/v1beta1 (it serves Deployment as apps/v1)')]);
    expect(version.manifests[0]!.apiVersion).toBe('apps/v1');
    const replicas = heal(m, [verdict('Deployment', 'a', 422, 'Deployment.apps "a" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0')]);
    expect(replicas.fixes).toEqual([]);
    expect(replicas.unfixable[0]).toContain('spec.replicas');
    // Verdicts for objects that are not there, or garbage: no crash.
    expect(heal(m, [verdict('Pod', 'zzz', 422, 'x is invalid: [')]).fixes).toEqual([]);
  });
});

describe('dev: kubectl commands', () => {
  it('scale, restart, secret, logs, get, describe, delete', () => {
    expect(kubectlCommand(parseKubectlRequest('What is the kubectl command to scale cart to 3 replicas in namespace shop?')!).argv).toEqual(['kubectl', 'scale', 'deployment/cart', '--replicas=3', '-n', 'shop']);
    expect(kubectlCommand(parseKubectlRequest('scale statefulset db to 0 in shop')!).changes).toContain('every pod of it stops');
    expect(kubectlCommand(parseKubectlRequest('How do I restart deployment frontend in shop?')!).argv).toEqual(['kubectl', 'rollout', 'restart', 'deployment/frontend', '-n', 'shop']);
    const secret = kubectlCommand(parseKubectlRequest('How do I create a secret in namespace dev with kubectl?')!);
    expect(secret.argv).toEqual(['kubectl', 'create', 'secret', 'generic', 'app-secret', '--from-literal=value=***', '-n', 'dev']);
    expect(secret.display).toBe("kubectl create secret generic app-secret '--from-literal=value=***' -n dev");
    expect(kubectlCommand(parseKubectlRequest('show the logs of pod web-1 in namespace shop after the crash')!).argv).toEqual(['kubectl', 'logs', 'web-1', '-n', 'shop', '--previous', '--tail=200']);
    expect(kubectlCommand(parseKubectlRequest('list pods in namespace shop')!)).toMatchObject({ argv: ['kubectl', 'get', 'pods', '-n', 'shop'], readOnly: true });
    expect(kubectlCommand(parseKubectlRequest('describe deployment cart in shop')!).argv).toEqual(['kubectl', 'describe', 'deployments', 'cart', '-n', 'shop']);
    expect(kubectlCommand(parseKubectlRequest('delete namespace payments')!)).toMatchObject({ argv: ['kubectl', 'delete', 'namespace/payments'], readOnly: false });
    expect(parseKubectlRequest('what a lovely day')).toBeUndefined();
  });

  it('refuses flag-like or invalid names instead of building a command', () => {
    expect(() => kubectlCommand({ verb: 'scale', name: '--all', replicas: 1 })).toThrow(KubectlArgumentError);
    expect(() => kubectlCommand({ verb: 'delete', resource: 'pods', name: 'Web_1' })).toThrow(/not a valid Kubernetes name/);
    expect(() => kubectlCommand({ verb: 'get', resource: 'pods', namespace: '-n' })).toThrow(/would be read as a flag/);
    expect(() => kubectlCommand({ verb: 'scale', name: 'a', replicas: -2 })).toThrow(/replicas/);
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it('skill choice and scrubbing', () => {
    expect(chooseDevSkill('Create a deployment of nginx', [])).toEqual({ skill: 'generate-manifest' });
    expect(chooseDevSkill('What is the kubectl command to scale cart to 3?', [])).toEqual({ skill: 'kubectl-command' });
    expect(chooseDevSkill('scale cart to 3', [])).toEqual({ skill: 'kubectl-command' });
    expect(chooseDevSkill('scale cart to 3', [{ skill: 'generate-manifest' }])).toEqual({ skill: 'generate-manifest' });
    expect(chooseDevSkill('x', [null, 'str', { skill: 'nope' }])).toEqual({ unknown: 'nope' });
    expect(scrubValues({ a: ['xx s3cr3t yy'], s3cr3t: 1 }, ['s3cr3t'])).toEqual({ a: ['xx *** yy'], '***': 1 });
  });
});
