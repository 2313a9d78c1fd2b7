import { isIP } from 'node:net';
import { z } from 'zod';

/** Version of the `auth.login-attempts` record; bumped on any incompatible change. */
export const LOGIN_ATTEMPT_SCHEMA_VERSION = 1;

/** The most attempts one `POST /v1/attempts` may carry (DESIGN §5). */
export const MAX_ATTEMPTS_PER_REQUEST = 1_000;

const ipAddress = z.string().refine((value) => isIP(value) !== 0, 'must be an IPv4 or IPv6 address');
const optionalText = (max: number) => z.string().min(1).max(max).optional();

/**
 * An attempt as a gateway reports it over HTTP (DESIGN §5). Unknown fields are refused, so a
 * typo in a field name is reported instead of silently dropped.
 */
export const attemptInputSchema = z.strictObject({
  id: z.uuid().optional(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  outcome: z.enum(['success', 'failure']),
  ip: ipAddress,
  account: optionalText(320),
  credentialFingerprint: optionalText(256),
  endpoint: optionalText(512),
  tenant: optionalText(256),
  userAgent: optionalText(1024),
});

export type AttemptInput = z.infer<typeof attemptInputSchema>;

/** The value of an `auth.login-attempts` record: an attempt with its id and times resolved. */
export const loginAttemptEventSchema = attemptInputSchema.extend({
  schemaVersion: z.literal(LOGIN_ATTEMPT_SCHEMA_VERSION),
  id: z.uuid(),
  occurredAt: z.iso.datetime({ offset: true }),
  receivedAt: z.iso.datetime({ offset: true }),
});

export type LoginAttemptEvent = z.infer<typeof loginAttemptEventSchema>;
