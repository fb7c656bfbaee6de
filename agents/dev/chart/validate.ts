/**
 * A chart's files checked the way a careful person would before installing (I/O through the MCP
 * servers only, the chart sent as its files so no filesystem need be shared): `helm lint --strict`,
 * `helm template`, a server-side dry run of every rendered object (k8s_validate, in a namespace
 * that exists — or the fallback is said). The rendered objects go with the answer: the security
 * agent reviews them (over A2A, through the router). Nothing is installed or applied.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { parse } from 'yaml';
import { mcpToolBox, tryTool } from '../../../shared/reasoning/toolbox.js';
import { isRecord } from '../../../shared/records.js';
import { parseYamlDocuments } from '../../../shared/yaml.js';
import type { ObjectVerdict } from '../heal.js';
import { normalizeName } from '../names.js';
import type { ChartFiles } from './files.js';

export interface RenderedObject {
  /** The template it came from, e.g. templates/deployment.yaml. */
  source: string;
  object: Record<string, unknown>;
}

export interface LintResult {
  ran: boolean;
  ok: boolean;
  messages: Array<{ severity: string; text: string }>;
  /** The tool's own words when it failed without structured messages. */
  output?: string;
}

export interface ChartValidation {
  /** The helm MCP server was connected (without it only the YAML could be checked). */
  helm: boolean;
  lint: LintResult;
  template: { ran: boolean; ok: boolean; kinds: string[]; error?: string };
  dryRun: { ran: boolean; ok: boolean; namespace: string; note?: string; objects: Array<ObjectVerdict & { source?: string }>; error?: string };
  /** Lint, template and dry run all passed. */
  passed: boolean;
}

const call = <T>(client: Client | undefined, name: string, args: Record<string, unknown>, signal?: AbortSignal) => tryTool<T>(client && mcpToolBox(client), name, args, signal);

/** The documents of a rendered manifest, each with the template it came from. */
export function renderedObjects(manifest: string): RenderedObject[] {
  const out: RenderedObject[] = [];
  for (const doc of manifest.split(/^---\s*$/m)) {
    const source = /^# Source: [^/\n]+\/(.+)$/m.exec(doc)?.[1]?.trim() ?? '';
    const { values } = parseYamlDocuments(doc);
    for (const v of values) if (isRecord(v) && typeof v.kind === 'string') out.push({ source, object: v });
  }
  return out;
}

export interface ValidateOptions {
  release?: string;
  namespace?: string;
  signal?: AbortSignal;
}

/** The release a chart is rendered as by default: its Chart.yaml name. */
function chartReleaseName(files: ChartFiles): string {
  try {
    const chart: unknown = parse(files['Chart.yaml'] ?? '');
    if (isRecord(chart) && typeof chart.name === 'string') return chart.name;
  } catch {
    // A Chart.yaml that does not parse: lint says so.
  }
  return 'chart';
}

export async function validateChart(clients: { helm?: Client | undefined; kubernetes?: Client | undefined }, files: ChartFiles, options: ValidateOptions = {}): Promise<{ validation: ChartValidation; rendered: RenderedObject[] }> {
  const { signal } = options;
  const release = normalizeName(options.release ?? chartReleaseName(files)).slice(0, 53);
  const validation: ChartValidation = {
    helm: clients.helm !== undefined,
    lint: { ran: false, ok: false, messages: [] },
    template: { ran: false, ok: false, kinds: [] },
    dryRun: { ran: false, ok: false, namespace: options.namespace ?? 'default', objects: [] },
    passed: false,
  };
  if (!clients.helm) {
    validation.lint.output = 'the helm MCP server is not connected to this agent: helm lint and helm template could not run';
    return { validation, rendered: [] };
  }

  // The dry run goes into the namespace asked for when it exists; else into default, and the answer says so.
  let namespace = options.namespace ?? 'default';
  if (options.namespace && clients.kubernetes) {
    const ns = await call<unknown>(clients.kubernetes, 'k8s_get', { kind: 'namespace', name: options.namespace }, signal);
    if (!ns.ok && /not found/i.test(ns.text)) {
      validation.dryRun.note = `namespace ${options.namespace} does not exist: validated in default (install with --create-namespace)`;
      namespace = 'default';
    }
  }
  validation.dryRun.namespace = namespace;

  // The chart travels as its files: the helm server need not share this agent's filesystem (its
  // paths come back relative to the chart).
  const lint = await call<{ ok: boolean; messages: Array<{ severity: string; text: string }> }>(clients.helm, 'helm_lint', { files, strict: true }, signal);
  validation.lint = { ran: true, ok: lint.ok && lint.structured?.ok === true, messages: lint.structured?.messages ?? [] };
  if (!validation.lint.ok && validation.lint.messages.every((m) => m.severity !== 'ERROR')) validation.lint.output = lint.text.slice(0, 4000);
  const template = await call<{ manifest: string; kinds: string[] }>(clients.helm, 'helm_template', { files, release, namespace }, signal);
  validation.template = { ran: true, ok: template.ok && template.structured !== undefined, kinds: template.structured?.kinds ?? [], ...(template.ok ? {} : { error: template.text.slice(0, 4000) }) };
  const manifest = template.structured?.manifest;
  const rendered = manifest ? renderedObjects(manifest) : [];

  if (rendered.length > 0 && clients.kubernetes) {
    const yaml = rendered.map((r) => JSON.stringify(r.object)).join('\n---\n');
    const r = await call<{ valid: boolean; objects: ObjectVerdict[] }>(clients.kubernetes, 'k8s_validate', { manifest: yaml, namespace, mode: 'create' }, signal);
    if (r.ok && r.structured) {
      validation.dryRun.ran = true;
      validation.dryRun.ok = r.structured.valid;
      validation.dryRun.objects = r.structured.objects.map((v) => {
        const from = rendered.find((x) => x.object.kind === v.kind && isRecord(x.object.metadata) && x.object.metadata.name === v.name);
        const { kind, apiVersion, name, namespace: ns, status, valid, error } = v;
        return { kind, apiVersion, name, namespace: ns, status, valid, error, ...(from ? { source: from.source } : {}) };
      });
    } else validation.dryRun.error = r.text;
  } else if (!clients.kubernetes) validation.dryRun.error = 'the kubernetes MCP server is not connected to this agent';

  validation.passed = validation.lint.ok && validation.template.ok && validation.dryRun.ran && validation.dryRun.ok;
  return { validation, rendered };
}
