/**
 * Validate → fix → validate again, in bounded rounds (default 3): the loop around validateChart
 * and healChartRound. Stops when everything passes, when a round finds nothing to fix, or when
 * the rounds run out; what is left is reported with the tools' messages.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ChartFiles } from './files.js';
import { type ChartFix, healChartRound } from './heal.js';
import { type ChartValidation, type RenderedObject, validateChart } from './validate.js';

export const DEFAULT_HEAL_ROUNDS = 3;

export interface SelfHealResult {
  files: ChartFiles;
  validation: ChartValidation;
  rendered: RenderedObject[];
  /** Every fix, with the round it was made in. */
  fixes: Array<ChartFix & { round: number }>;
  unfixed: string[];
  rounds: number;
}

export interface SelfHealOptions {
  rounds?: number;
  namespace?: string;
  release?: string;
  signal?: AbortSignal;
  progress?: (text: string) => void;
}

export async function validateAndHealChart(clients: { helm?: Client | undefined; kubernetes?: Client | undefined }, start: ChartFiles, options: SelfHealOptions = {}): Promise<SelfHealResult> {
  const maxRounds = options.rounds ?? DEFAULT_HEAL_ROUNDS;
  const progress = options.progress ?? (() => undefined);
  let files = start;
  const fixes: SelfHealResult['fixes'] = [];
  let unfixed: string[] = [];
  for (let round = 0; ; round++) {
    progress(round === 0 ? 'Validating the chart: helm lint --strict, helm template, server-side dry run' : `Validating again after ${fixes.filter((f) => f.round === round).length} fix(es) (round ${round})`);
    const { validation, rendered } = await validateChart(clients, files, { ...(options.namespace ? { namespace: options.namespace } : {}), ...(options.release ? { release: options.release } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    const ranAll = validation.helm && validation.dryRun.ran;
    if (validation.passed || !validation.helm || round >= maxRounds) {
      if (!validation.passed && ranAll) unfixed = healChartRound(files, validation, rendered).unfixed;
      if (!validation.passed && round >= maxRounds && ranAll) unfixed.push(`gave up after ${maxRounds} round${maxRounds === 1 ? '' : 's'} of fixes`);
      if (validation.passed) unfixed = [];
      return { files, validation, rendered, fixes, unfixed, rounds: round };
    }
    const healed = healChartRound(files, validation, rendered);
    unfixed = healed.unfixed;
    if (healed.fixes.length === 0) return { files, validation, rendered, fixes, unfixed, rounds: round };
    fixes.push(...healed.fixes.map((f) => ({ ...f, round: round + 1 })));
    progress(`Fixed: ${healed.fixes.map((f) => f.what).join('; ')}`);
    files = healed.files;
  }
}
