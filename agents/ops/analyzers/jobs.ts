/** Jobs that failed (BackoffLimitExceeded, DeadlineExceeded), suspended CronJobs, CronJobs that never ran. */
import type { AnalyzeOptions, AnalyzerFinding, Meta, Snapshot } from './types.js';
import { conditionLine, conditionOf, eventsAbout, keyOf, label, list, nm, nsOf, refOf } from './util.js';

interface Exit {
  container: string;
  code: number | string;
  reason?: string;
  message?: string;
}

const createdAt = (p: { metadata?: Meta | null } | null | undefined): string => p?.metadata?.creationTimestamp ?? '';

/** A Job's failed pods (owned by it) with each container's non-zero exit; the newest pod first. */
export function failedPods(s: Snapshot, job: string, namespace: string): Array<{ name: string; exits: Exit[] }> {
  return list(s.pods)
    .filter((p) => p && nsOf(p) === namespace && p.status?.phase === 'Failed' && list(p.metadata?.ownerReferences).some((r) => r?.kind === 'Job' && r.name === job))
    .sort((a, b) => createdAt(b).localeCompare(createdAt(a)))
    .map((p) => ({
      name: nm(p),
      exits: [...list(p!.status?.initContainerStatuses), ...list(p!.status?.containerStatuses)]
        .map((c) => ({ c, t: c?.state?.terminated ?? c?.lastState?.terminated }))
        .filter(({ t }) => t && t.exitCode !== 0)
        .map(({ c, t }) => ({ container: c?.name ?? '?', code: t!.exitCode ?? '?', ...(t!.reason ? { reason: t!.reason } : {}), ...(t!.message ? { message: t!.message.trim().split('\n')[0]!.slice(0, 200) } : {}) })),
    }));
}

/** A CronJob older than this that has never been scheduled is reported (covers daily schedules). */
export const NEVER_SCHEDULED_AFTER_MS = 25 * 3_600_000;

export function analyzeJobs(s: Snapshot, o: AnalyzeOptions): AnalyzerFinding[] {
  const out: AnalyzerFinding[] = [];
  const now = o.now ?? Date.now();
  for (const job of list(s.jobs)) {
    const failed = conditionOf(job?.status?.conditions, 'Failed');
    if (!job || failed?.status !== 'True') continue;
    const object = refOf('Job', job);
    const reason = failed.reason ?? 'Failed';
    const pods = failedPods(s, object.name, object.namespace ?? '');
    const exit = pods.flatMap((p) => p.exits.map((e) => ({ pod: p.name, ...e })))[0];
    const podsStep = pods.length ? [`Pod ${exit?.pod ?? pods[0]!.name}: Failed`] : [];
    const rootStep = exit ? `container ${exit.container}: exit code ${exit.code}${exit.reason ? ` (${exit.reason})` : ''}${exit.message ? `: ${exit.message}` : ''}` : `${reason}: ${job.status?.failed ?? 0} failed pod(s)`;
    out.push({
      object,
      analyzer: 'job-failed',
      severity: 'high',
      summary: `${label(object)} failed: ${reason}${failed.message ? ` (${failed.message})` : ''}${exit ? `; its container ${exit.container} exited ${exit.code}${exit.message ? `: ${exit.message}` : ''}` : ''}.`,
      evidence: [
        conditionLine(failed),
        `status.failed ${job.status?.failed ?? 0}, backoffLimit ${job.spec?.backoffLimit ?? 6}`,
        ...pods.flatMap((p) => (p.exits.length ? p.exits.map((e) => `pod ${p.name}: container ${e.container} terminated: exit code ${e.code}${e.reason ? `, reason ${e.reason}` : ''}${e.message ? `, message "${e.message}"` : ''}`) : [`pod ${p.name}: phase Failed`])),
        ...eventsAbout(s, 'Job', object.name, object.namespace).slice(-2),
      ],
      chain: [`${label(object)}: Failed (${reason})`, ...podsStep, rootStep],
      fix: { text: reason === 'DeadlineExceeded' ? 'raise activeDeadlineSeconds or make the job faster; then re-create the job' : "read the failed pods' logs for why the command exits non-zero, fix it, then re-create the job", command: ['kubectl', 'logs', '-n', object.namespace ?? '', `job/${object.name}`] },
      covers: pods.map((p) => keyOf({ kind: 'Pod', name: p.name, namespace: object.namespace ?? '' })),
    });
  }
  for (const cj of list(s.cronjobs)) {
    if (!cj) continue;
    const object = refOf('CronJob', cj);
    if (cj.spec?.suspend === true) {
      out.push({
        object,
        analyzer: 'cronjob-suspended',
        severity: 'low',
        summary: `${label(object)} is suspended: its schedule "${cj.spec.schedule ?? '?'}" creates no jobs.`,
        evidence: ['spec.suspend: true', `last scheduled: ${cj.status?.lastScheduleTime ?? 'never'}`],
        chain: [`${label(object)}: suspended`],
        fix: { text: 'resume it if it should run', command: ['kubectl', 'patch', 'cronjob', object.name, '-n', object.namespace ?? '', '-p', '{"spec":{"suspend":false}}'] },
      });
      continue;
    }
    const created = Date.parse(cj.metadata?.creationTimestamp ?? '');
    if (!cj.status?.lastScheduleTime && Number.isFinite(created) && now - created > NEVER_SCHEDULED_AFTER_MS) {
      out.push({
        object,
        analyzer: 'cronjob-never-scheduled',
        severity: 'medium',
        summary: `${label(object)} has never been scheduled in the ${Math.floor((now - created) / 3_600_000)}h since it was created (schedule "${cj.spec?.schedule ?? '?'}").`,
        evidence: [`metadata.creationTimestamp ${cj.metadata?.creationTimestamp}`, 'status.lastScheduleTime: never', ...eventsAbout(s, 'CronJob', object.name, object.namespace).slice(-2)],
        chain: [`${label(object)}: never scheduled`, `schedule "${cj.spec?.schedule ?? '?'}"`],
        fix: { text: 'check the schedule (and timeZone) means what you expect, and the CronJob controller events' },
      });
    }
  }
  return out;
}
