import { createInterface } from 'node:readline';

/** Questions on one stream, answers as lines from another: a person at a terminal, or a script's pipe. */
export interface LinePrompter {
  /** Writes the question and resolves with the next line; undefined at the end of input or on Ctrl-C. */
  ask(question: string): Promise<string | undefined>;
  close(): void;
}

/**
 * Reads answers line by line from `input`. Lines that arrive before they are asked for wait
 * their turn (a script pipes all its answers at once). The terminal keeps its own line editing
 * (readline's terminal mode would swallow Ctrl-C): Ctrl-C while asking is "no answer", and
 * after that every question gets none.
 */
export function linePrompter(input: NodeJS.ReadableStream & { isTTY?: boolean }, output: NodeJS.WritableStream): LinePrompter {
  const rl = createInterface({ input, terminal: false, crlfDelay: Infinity });
  const lines = rl[Symbol.asyncIterator]();
  let interrupted = false;
  return {
    async ask(question) {
      if (interrupted) return undefined;
      output.write(question);
      let onInterrupt: (() => void) | undefined;
      const stopped = new Promise<undefined>((resolve) => {
        onInterrupt = () => {
          interrupted = true;
          output.write('\n');
          rl.close();
          resolve(undefined);
        };
        process.once('SIGINT', onInterrupt);
      });
      try {
        const line = await Promise.race([lines.next().then((r) => (r.done ? undefined : r.value)), stopped]);
        // A terminal echoes what was typed; a pipe does not, so the transcript shows the answer here.
        if (!interrupted) output.write(input.isTTY && line !== undefined ? '' : `${line ?? ''}\n`);
        return line;
      } finally {
        process.off('SIGINT', onInterrupt!);
      }
    },
    close: () => rl.close(),
  };
}
