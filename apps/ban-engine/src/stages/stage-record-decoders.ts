import {
  forwardedAttemptSchema,
  loginAttemptEventSchema,
  readPlainLoginAttempt,
  routedAdminCommandSchema,
  type AccountStageRecord,
  type NetworkStageRecord,
} from '#warden/contracts';
import { jsonRecordDecoder } from '#warden/kafka';

/** Reads an attempt's record (most through the plain form's quick read), throwing for anything else. */
export const decodeAttempt = jsonRecordDecoder(loginAttemptEventSchema, 'a login attempt', readPlainLoginAttempt);
const decodeForwarded = jsonRecordDecoder(forwardedAttemptSchema, 'a forwarded attempt');
const decodeRoutedCommand = jsonRecordDecoder(routedAdminCommandSchema, 'a routed admin command');

/**
 * Keys only the engine's own records have, as JSON.stringify writes them: inside an attempt's
 * fields this text could only be an escaped string, so finding it picks the schema to check
 * against (one check, with errors that name the fields, instead of a union's).
 */
const ROUTED_MARK = Buffer.from('"routed":"admin-command"');
const FORWARDED_MARK = Buffer.from('"network":{');

/**
 * Reads an `auth.login-attempts` value: an attempt, or an admin command the engine routed here.
 * Anything else throws, naming each bad field of the attempt, and the record goes to the DLQ.
 */
export function decodeNetworkStageRecord(value: Buffer): NetworkStageRecord {
  return value.includes(ROUTED_MARK) ? decodeRoutedCommand(value) : decodeAttempt(value);
}

/** Reads an `auth.attempts-by-account` value: an attempt's account copy, an attempt the network stage forwarded, or a routed admin command. */
export function decodeAccountStageRecord(value: Buffer): AccountStageRecord {
  if (value.includes(ROUTED_MARK)) return decodeRoutedCommand(value);
  return value.includes(FORWARDED_MARK) ? decodeForwarded(value) : decodeAttempt(value);
}
