/** A failure the demo explains to its user in one message, without a stack trace. */
export class DemoError extends Error {
  override readonly name = 'DemoError';
}

/** Warden answered with an error status; the message says what to do about it. */
export class WardenHttpError extends DemoError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
