import { WardenError } from '../../apps/cli/src/warden-error.js';

/** A failure the demo explains to its user in one message, without a stack trace. */
export class DemoError extends WardenError {
  override readonly name = 'DemoError';
}
