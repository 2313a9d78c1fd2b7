import { z } from 'zod';
import { adminCommandSchema } from './admin-command.js';
import { subjectField } from './boundary/fields.js';
import { loginAttemptEventSchema } from './login-attempt.js';

export const STAGE_RECORD_SCHEMA_VERSION = 1;

/**
 * An admin command the engine routed into the log of the stage that owns its subject (DESIGN §2):
 * a subject changes only through its owner's log, so a manual ban takes its place among the
 * attempts in one order.
 */
export const routedAdminCommandSchema = z.strictObject({
  schemaVersion: z.literal(STAGE_RECORD_SCHEMA_VERSION),
  routed: z.literal('admin-command'),
  command: adminCommandSchema,
});

export type RoutedAdminCommand = z.infer<typeof routedAdminCommandSchema>;

/** `auth.login-attempts`: attempts (from gateways, or produced directly) and the admin commands routed to a network's owner. */
export const networkStageRecordSchema = z.union([loginAttemptEventSchema, routedAdminCommandSchema]);

export type NetworkStageRecord = z.infer<typeof networkStageRecordSchema>;

/** A ban in force on one of the network stage's subjects when it decided the attempt (`until` in epoch ms). */
const carriedBanSchema = z.strictObject({
  subject: subjectField,
  rule: z.string().max(256),
  level: z.number().int().nonnegative(),
  until: z.number().int().nonnegative(),
  visible: z.boolean(),
});

/**
 * What the network stage decided about an attempt, carried to the account stage, which merges it
 * into the verdict: the bans of its subjects in force, whether the attempt imposed or escalated one
 * (`trigger`), and whether it did so by reaching a threshold (then the gateway answers 429).
 */
export const networkVerdictSchema = z.strictObject({
  bans: z.array(carriedBanSchema).max(64),
  trigger: z.boolean(),
  thresholdReached: z.boolean(),
});

export type NetworkVerdict = z.infer<typeof networkVerdictSchema>;

/** An attempt the network stage forwarded (its producer wrote no account copy), with its outcome there. */
export const forwardedAttemptSchema = z.strictObject({ schemaVersion: z.literal(STAGE_RECORD_SCHEMA_VERSION), attempt: loginAttemptEventSchema, network: networkVerdictSchema });

export type ForwardedAttempt = z.infer<typeof forwardedAttemptSchema>;

/**
 * `auth.attempts-by-account` (keyed by the normalized account): the account copies of attempts
 * (written by their producer beside the `auth.login-attempts` record, `accountCopy` set), attempts
 * the network stage forwarded, and routed admin commands.
 */
export const accountStageRecordSchema = z.union([loginAttemptEventSchema, forwardedAttemptSchema, routedAdminCommandSchema]);

export type AccountStageRecord = z.infer<typeof accountStageRecordSchema>;
