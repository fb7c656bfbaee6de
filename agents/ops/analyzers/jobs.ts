/** Jobs that failed (BackoffLimitExceeded, DeadlineExceeded), suspended CronJobs, CronJobs that never ran. */
import type { AnalyzeOptions, AnalyzerFinding, Snapshot } from './types.js';
import { conditionLine, conditionOf, eventsAbout, label, list, refOf } from './util.js';

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
    out.push({
      object,
      analyzer: 'job-failed',
      severity: 'high',
      summary: `${label(object)} failed: ${reason}${failed.message ? ` (${failed.message})` : ''}.`,
      evidence: [conditionLine(failed), `status.failed ${job.status?.failed ?? 0}, backoffLimit ${job.spec?.backoffLimit ?? 6}`, ...eventsAbout(s, 'Job', object.name, object.namespace).slice(-2)],
      chain: [`${label(object)}: Failed`, `${reason}: ${job.status?.failed ?? 0} failed pod(s)`],
      fix: { text: reason === 'DeadlineExceeded' ? 'raise activeDeadlineSeconds or make the job faster; then re-create the job' : "read the failed pods' logs for why the command exits non-zero, fix it, then re-create the job", command: ['kubectl', 'logs', '-n', object.namespace ?? '', `job/${object.name}`] },
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
