import {
  forwardedAttemptSchema,
  loginAttemptEventSchema,
  readPlainLoginAttempt,
  routedAdminCommandSchema,
  type AccountStageRecord,
  type LoginAttemptEvent,
  type NetworkStageRecord,
} from '#warden/contracts';
import { jsonRecordChecker, parseJsonRecord } from '#warden/kafka';

const checkAttempt = jsonRecordChecker(loginAttemptEventSchema, 'a login attempt', readPlainLoginAttempt);
const checkForwarded = jsonRecordChecker(forwardedAttemptSchema, 'a forwarded attempt');
const checkRoutedCommand = jsonRecordChecker(routedAdminCommandSchema, 'a routed admin command');

/**
 * Which kind of record a stage's log holds, told by a field only the engine's own records have
 * (an attempt refuses unknown fields): the record is then checked against that kind's schema
 * alone, with errors that name its fields, instead of a union's.
 */
function kindOf(json: unknown): 'routed' | 'forwarded' | 'attempt' {
  if (typeof json !== 'object' || json === null) return 'attempt';
  if ('routed' in json) return 'routed';
  return 'network' in json ? 'forwarded' : 'attempt';
}

/** Reads an attempt's record (most through the plain form's quick read), throwing for anything else. */
export function decodeAttempt(value: Buffer): LoginAttemptEvent {
  return checkAttempt(parseJsonRecord(value));
}

/**
 * Reads an `auth.login-attempts` value: an attempt, or an admin command the engine routed here.
 * Anything else throws, naming each bad field of the attempt, and the record goes to the DLQ.
 */
export function decodeNetworkStageRecord(value: Buffer): NetworkStageRecord {
  const json = parseJsonRecord(value);
  return kindOf(json) === 'routed' ? checkRoutedCommand(json) : checkAttempt(json);
}

/** Reads an `auth.attempts-by-account` value: an attempt's account copy, an attempt the network stage forwarded, or a routed admin command. */
export function decodeAccountStageRecord(value: Buffer): AccountStageRecord {
  const json = parseJsonRecord(value);
  const kind = kindOf(json);
  return kind === 'routed' ? checkRoutedCommand(json) : kind === 'forwarded' ? checkForwarded(json) : checkAttempt(json);
}
