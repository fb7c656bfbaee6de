/** Resolves when the process is asked to stop (Ctrl-C or SIGTERM), so a server can close cleanly. */
export function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
