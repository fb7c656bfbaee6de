/** Which of the observability agent's skills a request asks for. Pure. */
import { requestedSkill } from '../../shared/a2a/agent.js';

export const OBSERVABILITY_SKILLS = ['metrics-query', 'targets-and-alerts', 'forecast', 'anomalies', 'watch'] as const;
export type ObservabilitySkill = (typeof OBSERVABILITY_SKILLS)[number];

/** A question about the watch loop's findings (shared/watch): "what did the watch find?". */
const WATCH = /\b(the watch|watch (loop|findings?|report|results?))\b/i;
/** A question about the future of a series: when it reaches a limit, runs out, will it hit… */
const FORECAST = /\b(forecast\w*|predict\w*|projection|extrapolat\w*|run(s|ning)? out of|how long (until|before)|time until|when will|will [\w\s./-]{0,60}?\b(reach|hit|exceed|run out))\b/i;
/** A question about what stands out in recent history. */
const ANOMALIES = /\b(anomal\w*|unusual|abnormal|out of the ordinary|outliers?|odd|strange|weird|unexpected|spik(e|es|ed|ing|y))\b/i;
const TARGETS = /\b(targets?|scrap\w*|alerts?|alerting|firing|alertmanager|being monitored)\b/i;
const METRICS = /\b(cpu|cores?|memory|mem|ram|usage|uses?|using|utili[sz]ation|consum\w*|metrics?|promql|restart\w*|most|top|heaviest|hungriest|load|bytes|working set)\b/i;

/** The skill for a request: a data part `{ skill }` wins; then the watch, forecast words, anomaly words, target/alert words, metric words; else not ours (undefined). */
export function pickSkill(text: string, data: unknown[]): ObservabilitySkill | undefined {
  // A skill named that is not ours leaves the choice to the wording.
  const requested = requestedSkill(data, OBSERVABILITY_SKILLS);
  if (requested && 'skill' in requested) return requested.skill;
  if (WATCH.test(text)) return 'watch';
  if (FORECAST.test(text)) return 'forecast';
  if (ANOMALIES.test(text)) return 'anomalies';
  if (TARGETS.test(text)) return 'targets-and-alerts';
  if (METRICS.test(text)) return 'metrics-query';
  return undefined;
}

/** What a targets-and-alerts question asks about: targets, alerts or both. */
export function targetsOrAlerts(text: string): { targets: boolean; alerts: boolean } {
  const targets = /\b(targets?|scrap\w*|up|down|reach\w*|monitored|health\w*)\b/i.test(text);
  const alerts = /\b(alerts?|alerting|firing|pending|alertmanager)\b/i.test(text);
  return targets || alerts ? { targets, alerts } : { targets: true, alerts: true };
}
