/**
 * A plan made into chart files (pure): `{ path: content }` with paths relative to the chart
 * directory, so a caller can write them as they are (`<dir>/<name>/<path>`).
 */
import { toYaml } from '../../../shared/yaml.js';
import type { ChartPlan } from './spec.js';
import {
  configMapTemplate,
  headlessServiceTemplate,
  HELMIGNORE,
  helpersTpl,
  hpaTemplate,
  ingressTemplate,
  networkPolicyTemplate,
  notesTxt,
  pdbTemplate,
  pvcTemplate,
  secretTemplate,
  serviceAccountTemplate,
  serviceTemplate,
  workloadTemplate,
} from './templates.js';
import { VALUE_DOCS, valuesOf, valuesSchema, valuesYaml, type Values } from './values.js';

export type ChartFiles = Record<string, string>;

function chartYaml(plan: ChartPlan): string {
  return `${toYaml({
    apiVersion: 'v2',
    name: plan.name,
    description: `A Helm chart for ${plan.name} (${plan.image.repository}) on Kubernetes`,
    type: 'application',
    version: '0.1.0',
    appVersion: plan.image.tag,
    keywords: [plan.name, plan.workload.toLowerCase()],
    annotations: { 'k8s-experts/generated-by': 'dev agent generate-chart' },
  })}\n`;
}

/** Leaf values as dotted paths (lists and free-form maps kept whole). */
function leaves(value: unknown, path: string, out: Array<[string, unknown]>): void {
  if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0 && !/^(config|resources\.\w+|podSecurityContext|securityContext)$/.test(path)) {
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  } else out.push([path, value]);
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

function readme(plan: ChartPlan, values: Values): string {
  const rows: Array<[string, unknown]> = [];
  leaves(values, '', rows);
  const table = rows.map(([path, v]) => {
    const top = path.split('.')[0]!;
    const type = Array.isArray(v) ? 'list' : v === null ? 'null' : typeof v === 'object' ? 'object' : typeof v;
    const shown = path.startsWith('secrets.') || path === 'secrets' ? '(set at install)' : JSON.stringify(v);
    return `| \`${cell(path)}\` | ${type} | \`${cell(shown)}\` | ${cell(VALUE_DOCS[top] ?? '')} |`;
  });
  const secretLines = plan.secrets.length
    ? [
        '## Secrets',
        '',
        `The chart creates a Secret with the keys ${plan.secrets.map((k) => `\`${k}\``).join(', ')} but holds no values. Supply them at install time:`,
        '',
        '```sh',
        `helm install ${plan.name} . ${plan.secrets.map((k) => `--set-file secrets.${k}=./${k.toLowerCase()}.txt`).join(' ')}`,
        '```',
        '',
        'or point `existingSecret` at a Secret you manage yourself.',
        '',
      ]
    : [];
  return [
    `# ${plan.name}`,
    '',
    `A Helm chart running \`${plan.image.repository}:${plan.image.tag}\` as a ${plan.workload}.`,
    '',
    '## Install',
    '',
    '```sh',
    `helm install ${plan.name} .${plan.namespace ? ` --namespace ${plan.namespace} --create-namespace` : ''}`,
    '```',
    '',
    ...secretLines,
    '## Values',
    '',
    '| Key | Type | Default | Description |',
    '|-----|------|---------|-------------|',
    ...table,
    '',
  ].join('\n');
}

/** Every file of the chart for this plan. */
export function chartFiles(plan: ChartPlan): ChartFiles {
  const n = plan.name;
  const values = valuesOf(plan);
  const files: ChartFiles = {
    'Chart.yaml': chartYaml(plan),
    'values.yaml': valuesYaml(values),
    'values.schema.json': `${JSON.stringify(valuesSchema(values), null, 2)}\n`,
    '.helmignore': HELMIGNORE,
    'README.md': readme(plan, values),
    'templates/_helpers.tpl': helpersTpl(n),
    'templates/NOTES.txt': notesTxt(n),
    [`templates/${plan.workload.toLowerCase()}.yaml`]: workloadTemplate(n, plan),
    'templates/service.yaml': serviceTemplate(n),
    'templates/ingress.yaml': ingressTemplate(n),
    'templates/configmap.yaml': configMapTemplate(n),
    'templates/secret.yaml': secretTemplate(n),
    'templates/hpa.yaml': hpaTemplate(n, plan),
    'templates/pdb.yaml': pdbTemplate(n),
    'templates/networkpolicy.yaml': networkPolicyTemplate(n),
    'templates/serviceaccount.yaml': serviceAccountTemplate(n),
  };
  if (plan.workload === 'StatefulSet') files['templates/service-headless.yaml'] = headlessServiceTemplate(n);
  if (plan.workload === 'Deployment') files['templates/pvc.yaml'] = pvcTemplate(n);
  return files;
}

/** The files as a tree, for people: one path per line, directories first. */
export function fileTree(name: string, files: ChartFiles): string {
  const paths = Object.keys(files).sort((a, b) => (a.includes('/') === b.includes('/') ? a.localeCompare(b) : a.includes('/') ? 1 : -1));
  return [`${name}/`, ...paths.map((p) => `  ${p}`)].join('\n');
}
