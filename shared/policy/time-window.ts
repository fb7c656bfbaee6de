/**
 * Time-window rules (pure): the wall-clock time in a rule's time zone, whether it falls in the
 * rule's period (weekly windows, a date range, or the windows within the date range), and that
 * period in words for the reasons.
 */
import { type Rule, WEEKDAYS } from './schema.js';

type TimeWindowRule = Extract<Rule, { type: 'time-window' }>;
type Weekday = (typeof WEEKDAYS)[number];

export interface LocalClock {
  day: Weekday;
  /** YYYY-MM-DD in the zone. */
  date: string;
  /** Minutes since local midnight. */
  minutes: number;
  /** "Sat 2026-11-21 14:05", for reasons. */
  text: string;
}

/** The wall clock at `now` in an IANA time zone (already checked when the policy was loaded). */
export function clockIn(now: Date, timeZone: string): LocalClock {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  const day = String(parts.weekday).slice(0, 3).toLowerCase() as Weekday;
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const hhmm = `${parts.hour}:${parts.minute}`;
  return { day, date, minutes: minutesOf(hhmm), text: `${parts.weekday} ${date} ${hhmm}` };
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether the clock is inside the rule's period: within its dates (if any) and one of its windows (if any). */
export function insidePeriod(rule: Pick<TimeWindowRule, 'windows' | 'dates'>, clock: LocalClock): boolean {
  const inDates = !rule.dates || (clock.date >= rule.dates.from && clock.date <= rule.dates.to);
  const inWindow = !rule.windows || rule.windows.some((w) => w.days.includes(clock.day) && clock.minutes >= minutesOf(w.from) && clock.minutes < minutesOf(w.to));
  return inDates && inWindow;
}

/** "mon–fri 09:00–17:00 from 2026-12-20 to 2027-01-03". */
export function periodText(rule: Pick<TimeWindowRule, 'windows' | 'dates'>): string {
  const windows = (rule.windows ?? []).map((w) => `${daysText(w.days)} ${w.from}–${w.to}`).join(', ');
  const dates = rule.dates ? (rule.dates.from === rule.dates.to ? `on ${rule.dates.from}` : `from ${rule.dates.from} to ${rule.dates.to}`) : '';
  return [windows, dates].filter(Boolean).join(' ');
}

/** Runs of consecutive days joined: [mon,tue,wed,fri] → "mon–wed, fri". */
function daysText(days: readonly Weekday[]): string {
  const idx = [...new Set(days.map((d) => WEEKDAYS.indexOf(d)))].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1] === idx[j]! + 1) j++;
    runs.push(j - i >= 2 ? `${WEEKDAYS[idx[i]!]}–${WEEKDAYS[idx[j]!]}` : idx.slice(i, j + 1).map((d) => WEEKDAYS[d]).join(', '));
    i = j + 1;
  }
  return runs.join(', ');
}
