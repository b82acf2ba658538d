/**
 * An error a user can act on: a stable code, a message that says what to do, and the exit status the
 * CLI ends with. Anything else that escapes is a bug, reported without a stack trace.
 */
export class GantryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
    this.name = 'GantryError';
  }
}
