/** A failure explained to its user in one message, without a stack trace: the command exits 1. */
export class WardenError extends Error {
  override readonly name: string = 'WardenError';
}

/** Warden answered with an error status; the message says what to do about it. */
export class WardenHttpError extends WardenError {
  override readonly name = 'WardenHttpError';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
