import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Role } from '@a2a-js/sdk';
import { TaskExecutor } from '../../shared/a2a/executor.js';

/** test/fixtures/cards: the echo agent's card lives there, not in cards/. */
export const TEST_CARDS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'cards');

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    }, { once: true });
  });

/**
 * The test agent: echoes the text back as the house result (a text part and a data part), after a
 * progress update. "wait:<ms>" takes that long; "slow" works (one progress update a tick) until canceled; "fail" throws; "ask" asks for input (input-required), and the answer is echoed.
 */
export function echoExecutor(): TaskExecutor {
  return new TaskExecutor(async ({ text, signal, progress, request }) => {
    progress(`echoing ${text.length} characters`);
    if (text === 'ask') return { text: 'What should I echo?', data: { question: 'text' }, inputRequired: true };
    if (request.task) text = `${text} (after ${request.task.history.filter((m) => m.role === Role.ROLE_USER).length - 1} earlier messages)`;
    if (text === 'fail') throw new Error('asked to fail');
    const wait = /^wait:(\d+)$/.exec(text);
    if (wait) await sleep(Number(wait[1]), signal);
    if (text === 'slow') {
      for (let step = 1; ; step++) {
        await sleep(50, signal);
        if (step % 20 === 0) progress(`still working (step ${step})`);
      }
    }
    return { text: `echo: ${text}`, data: { echoed: text, length: text.length } };
  });
}
