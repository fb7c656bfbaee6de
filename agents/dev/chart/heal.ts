/**
 * One round of self-healing a chart (pure): from what lint, template and the server's dry run
 * said, and the rendered objects, the fixes that need no guessing — each written into the file
 * it belongs in and reported (file, what, why) — and what is left, with the tool's own message.
 */
import { parse } from 'yaml';
import { isRecord } from '../../../shared/records.js';
import type { ChartFiles } from './files.js';
import { replaceApiVersion, replacementApi } from './heal/api-versions.js';
import { addContainerName, containerNameFor } from './heal/containers.js';
import { CHART_YAML_FIELDS, reindentYaml, schemaPaths } from './heal/indentation.js';
import { isValidObjectName, renameInFiles } from './heal/names.js';
import { addSelector, alignTemplateLabels } from './heal/selector.js';
import type { ChartValidation, RenderedObject } from './validate.js';

export interface ChartFix {
  file: string;
  what: string;
  why: string;
}

export interface ChartHealRound {
  files: ChartFiles;
  fixes: ChartFix[];
  unfixed: string[];
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);
const rec = (x: unknown): Record<string, unknown> => (isRecord(x) ? x : {});

function ref(o: Record<string, unknown>): string {
  return `${String(o.kind)}/${String(rec(o.metadata).name ?? '')}`;
}

/** The message a tool gave about an object (dry run) or a template (lint), for the "why". */
function messageFor(validation: ChartValidation, r: RenderedObject): string | undefined {
  const verdict = validation.dryRun.objects.find((v) => v.kind === r.object.kind && v.name === rec(r.object.metadata).name && !v.valid);
  if (verdict?.error) return `dry run: ${verdict.error.message}`;
  const lint = validation.lint.messages.find((m) => m.severity !== 'INFO' && m.text.startsWith(r.source));
  return lint ? `helm lint: ${lint.text}` : undefined;
}

function fixYamlFiles(files: ChartFiles, validation: ChartValidation, out: ChartHealRound): boolean {
  let fixed = false;
  for (const file of ['Chart.yaml', 'values.yaml']) {
    const text = files[file];
    if (text === undefined) continue;
    try {
      parse(text);
      continue;
    } catch {
      // Does not parse: try to re-indent below.
    }
    const known = file === 'Chart.yaml' ? new Set(CHART_YAML_FIELDS) : schemaPaths(files['values.schema.json']);
    const r = reindentYaml(text, known);
    const lintSaid = validation.lint.messages.find((m) => m.text.includes(file))?.text ?? validation.lint.output?.split('\n').find((l) => l.includes(file));
    const why = `${file} does not parse${lintSaid ? ` (helm lint: ${lintSaid.slice(0, 200)})` : ''}`;
    if ('error' in r) {
      out.unfixed.push(`${file}: ${r.error} — re-indent it by hand`);
      continue;
    }
    out.files[file] = r.text;
    for (const change of r.changes) out.fixes.push({ file, what: change, why });
    fixed = true;
  }
  return fixed;
}

export function healChartRound(files: ChartFiles, validation: ChartValidation, rendered: RenderedObject[]): ChartHealRound {
  const out: ChartHealRound = { files: { ...files }, fixes: [], unfixed: [] };
  const handled = new Set<string>();

  // 1. YAML that does not parse: nothing renders until it does.
  if (!validation.lint.ok || !validation.template.ok) {
    const fixed = fixYamlFiles(out.files, validation, out);
    if (fixed || out.unfixed.length) return out;
  }
  if (!validation.template.ok) {
    out.unfixed.push(`helm template: ${validation.template.error ?? 'failed'}`);
    return out;
  }

  for (const r of rendered) {
    const o = r.object;
    const kind = String(o.kind);
    const label = ref(o);
    const file = r.source;
    const text = out.files[file];
    const why = messageFor(validation, r);

    // 2. A removed apiVersion → the one that replaced it.
    const to = replacementApi(String(o.apiVersion), kind);
    if (to && text !== undefined) {
      const ports = JSON.stringify(o).match(/"servicePort":(\d+|"[^"]*")/g) ?? [];
      const numeric = ports.every((p) => /:\d+$/.test(p));
      const next = replaceApiVersion(text, kind, String(o.apiVersion), to, () => numeric);
      if (next) {
        out.files[file] = next;
        out.fixes.push({ file, what: `${label}: apiVersion ${String(o.apiVersion)} → ${to}${kind === 'Ingress' && to === 'networking.k8s.io/v1' ? ' (backends converted to service.name/port, pathType ImplementationSpecific added)' : kind === 'HorizontalPodAutoscaler' && String(o.apiVersion) === 'autoscaling/v2beta1' ? ' (metric targets converted)' : ''}`, why: why ?? `${String(o.apiVersion)} ${kind} was removed from Kubernetes` });
        handled.add(label);
        continue; // the next round sees the object in its new shape
      }
    }

    const spec = rec(o.spec);
    const template = rec(spec.template);
    const podLabels = rec(rec(template.metadata).labels);
    // 3. A workload without a selector → the pod template's labels.
    if (WORKLOADS.has(kind) && !isRecord(spec.selector) && text !== undefined) {
      const next = Object.keys(podLabels).length ? addSelector(out.files[file]!, kind) : undefined;
      if (next) {
        out.files[file] = next;
        out.fixes.push({ file, what: `${label}: spec.selector.matchLabels added from the pod template labels (${Object.keys(podLabels).join(', ')})`, why: why ?? 'apps/v1 workloads need spec.selector' });
      } else out.unfixed.push(`${label} (${file}): spec.selector is missing and the pod template has no labels to select — add labels and a selector`);
      handled.add(label);
      continue;
    }
    // 4. A selector the pod labels do not match → the pod labels get the selector's.
    const matchLabels = rec(rec(spec.selector).matchLabels);
    const differing = Object.keys(matchLabels).filter((k) => podLabels[k] !== matchLabels[k]);
    if (WORKLOADS.has(kind) && differing.length && text !== undefined) {
      const next = alignTemplateLabels(out.files[file]!, kind, differing);
      if (next) {
        out.files[file] = next;
        out.fixes.push({ file, what: `${label}: pod template labels ${differing.join(', ')} set as in spec.selector.matchLabels`, why: why ?? 'the selector does not match the pod template labels' });
      } else out.unfixed.push(`${label} (${file}): the selector (${differing.join(', ')}) does not match the pod labels and is not written literally — make them equal`);
      handled.add(label);
      continue;
    }

    // 5. Names the API refuses → normalized wherever they are written.
    const name = String(rec(o.metadata).name ?? '');
    if (name && !isValidObjectName(kind, name)) {
      const renamed = renameInFiles(out.files, name);
      if (renamed) {
        Object.assign(out.files, renamed.files);
        out.fixes.push({ file: renamed.renaming.files.join(', '), what: `${label}: "${renamed.renaming.from}" → "${renamed.renaming.to}" everywhere it is written`, why: why ?? `${kind} names must be DNS-${kind === 'Service' ? '1035' : '1123'}` });
      } else out.unfixed.push(`${label} (${file}): the name "${name}" is not valid and is computed, not written — fix what it is made from`);
      handled.add(label);
      continue;
    }

    // 6. Containers without a name (deducible from the image) or without an image (not deducible).
    const containers = Array.isArray(rec(template.spec).containers) ? (rec(template.spec).containers as unknown[]).map(rec) : [];
    containers.forEach((c, i) => {
      if (typeof c.name === 'string' && c.name) {
        if (typeof c.image !== 'string' || !c.image) {
          out.unfixed.push(`${label} (${file}): container "${c.name}" has no image — which image to run cannot be deduced; set it${why ? ` (${why})` : ''}`);
          handled.add(label);
        }
        return;
      }
      if (typeof c.image === 'string' && c.image) {
        const cname = containerNameFor(c.image);
        const next = addContainerName(out.files[file] ?? '', i, cname);
        if (next) {
          out.files[file] = next;
          out.fixes.push({ file, what: `${label}: container ${i} named "${cname}" (from its image ${c.image})`, why: why ?? 'every container needs a name' });
        } else out.unfixed.push(`${label} (${file}): container ${i} has no name and the template could not be changed — add name:`);
      } else out.unfixed.push(`${label} (${file}): container ${i} has neither name nor image — not deducible; set both`);
      handled.add(label);
    });
  }

  // 7. What the server still refuses and no rule covers: the server's own words.
  for (const v of validation.dryRun.objects) {
    const label = `${v.kind}/${v.name}`;
    if (v.valid || handled.has(label) || !v.error) continue;
    out.unfixed.push(`${label}: ${v.error.code ? `${v.error.code} ${v.error.reason}: ` : ''}${v.error.message}`);
  }
  if (!validation.lint.ok && out.fixes.length === 0) {
    for (const m of validation.lint.messages.filter((x) => x.severity !== 'INFO')) out.unfixed.push(`helm lint ${m.severity}: ${m.text}`);
    if (validation.lint.messages.length === 0 && validation.lint.output) out.unfixed.push(`helm lint: ${validation.lint.output}`);
  }
  return out;
}
