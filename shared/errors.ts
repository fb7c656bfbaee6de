/**
 * An error a person caused and can fix: bad config, no cluster, bad arguments.
 * The CLI prints `message` and `fix` without a stack trace and exits non-zero.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly fix?: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/** One line for a person: the message, then the fix when there is one. */
export function formatUserError(e: UserError): string {
  return e.fix ? `error: ${e.message}\n  fix: ${e.fix}` : `error: ${e.message}`;
}

/** The message of any thrown value, never `[object Object]`. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}
