import { isUserError } from '../../shared/errors.js';

/** Runs `fn`, which must throw a UserError, and returns its "message | fix" (rethrows anything else). */
export function userErrorText(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isUserError(e)) return `${e.message} | ${e.fix ?? ''}`;
    throw e;
  }
  throw new Error('expected a UserError');
}
