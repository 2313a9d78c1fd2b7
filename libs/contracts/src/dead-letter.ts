/** Value of an `auth.dlq` record: a record that could not be read, and why (DESIGN §6). */
export interface DeadLetter {
  readonly schemaVersion: 1;
  readonly error: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** The original value as UTF-8 text, or base64 when it is not valid UTF-8. */
  readonly payload: string;
  readonly payloadEncoding: 'utf8' | 'base64';
}
