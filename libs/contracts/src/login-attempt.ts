import { z } from 'zod';
import { accountField, instantField, ipField, textField, uuidField } from './boundary/fields.js';

/** Version of the `auth.login-attempts` record; bumped on any incompatible change. */
export const LOGIN_ATTEMPT_SCHEMA_VERSION = 1;

/** The most attempts one `POST /v1/attempts` may carry (DESIGN §5). */
export const MAX_ATTEMPTS_PER_REQUEST = 1_000;


/**
 * An attempt as a gateway reports it over HTTP (DESIGN §5), built from the input boundary's
 * fields: what passes can be decided and stored. Unknown fields are refused, so a typo in a field
 * name is reported instead of silently dropped. The limits are the columns' (prisma/schema.prisma).
 */
export const attemptInputSchema = z.strictObject({
  id: uuidField.optional(),
  occurredAt: instantField.optional(),
  outcome: z.enum(['success', 'failure']),
  ip: ipField,
  account: accountField.optional(),
  credentialFingerprint: textField(256).optional(),
  endpoint: textField(512).optional(),
  tenant: textField(256).optional(),
  userAgent: textField(1024).optional(),
});

export type AttemptInput = z.infer<typeof attemptInputSchema>;

/** The value of an `auth.login-attempts` record: an attempt with its id and times resolved. */
export const loginAttemptEventSchema = attemptInputSchema.extend({
  schemaVersion: z.literal(LOGIN_ATTEMPT_SCHEMA_VERSION),
  id: uuidField,
  occurredAt: instantField,
  receivedAt: instantField,
  /** The sender waits for the verdict (`?wait=verdict`): only then is one published on `auth.verdicts`. */
  verdictWanted: z.literal(true).optional(),
  /**
   * The producer also wrote this attempt to `auth.attempts-by-account`, keyed by its account (as
   * gateway-api does): the account stage takes it from there, so the network stage does not forward it.
   */
  accountCopy: z.literal(true).optional(),
});

export type LoginAttemptEvent = z.infer<typeof loginAttemptEventSchema>;
