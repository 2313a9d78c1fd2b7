import { parseIp } from './boundary/ip-address.js';
import { MAX_ACCOUNT_LENGTH } from './boundary/fields.js';
import { LOGIN_ATTEMPT_SCHEMA_VERSION, loginAttemptEventSchema, type LoginAttemptEvent } from './login-attempt.js';

/**
 * The engine reads every attempt twice (each stage) and the archiver once more: checked by
 * `loginAttemptEventSchema`, that was a tenth of the engine's CPU time. Almost every record is in
 * the plain form Warden's own producers write (a lower-case UUID, times as `toISOString` prints
 * them, printable ASCII names), and such a record can be checked with a few tests.
 *
 * `readPlainLoginAttempt(json)` is the schema's output for a record in that form, and undefined
 * for anything else, which the caller then gives to the schema (for its output or its errors).
 * Every test below only narrows what the schema accepts, so what it accepts the schema accepts
 * alike, with the same output: plain-login-attempt.spec.ts checks that on generated records.
 */
export function readPlainLoginAttempt(json: unknown): LoginAttemptEvent | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const record = json as Record<string, unknown>;
  let present = 0;
  let inOrder = true;
  let last = -1;
  for (const key in record) {
    const field = FIELDS.get(key);
    if (field === undefined || !field.check(record[key])) return undefined;
    present |= field.bit;
    if (field.index < last) inOrder = false;
    last = field.index;
  }
  if ((present & REQUIRED_BITS) !== REQUIRED_BITS) return undefined;
  // The schema's output is a new object listing its fields in its own order, and only those given.
  const read: Record<string, unknown> = {};
  if (inOrder) for (const key in record) read[key] = record[key];
  else for (const key of FIELD_ORDER) if ((present & FIELDS.get(key)!.bit) !== 0) read[key] = record[key];
  return read as LoginAttemptEvent;
}

/** A UUID as `randomUUID` writes it: the schema's UUID pattern, lower case only (so its lower-casing changes nothing). */
const LOWER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * A time as `toISOString` writes it (`2024-03-01T10:00:00.000Z`), in [2000, 2100), on a day the
 * calendar has: read digit by digit (Date.parse and printing it again took a third of the time).
 */
function isPlainInstant(value: unknown): boolean {
  if (typeof value !== 'string' || value.length !== 24) return false;
  for (let i = 0; i < 24; i++) {
    const code = value.charCodeAt(i);
    const expected = INSTANT_PUNCTUATION[i];
    if (expected === undefined ? code < 0x30 || code > 0x39 : code !== expected) return false;
  }
  const year = 2000 + digits(value, 2, 2);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  if (value.charCodeAt(0) !== 0x32 || value.charCodeAt(1) !== 0x30 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[month - 1]!)) return false;
  return digits(value, 11, 2) < 24 && digits(value, 14, 2) < 60 && digits(value, 17, 2) < 60;
}

/** The characters of `YYYY-MM-DDTHH:MM:SS.sssZ` that are not digits, by position. */
const INSTANT_PUNCTUATION: ReadonlyArray<number | undefined> = [...'0000-00-00T00:00:00.000Z'].map((char) => (char === '0' ? undefined : char.charCodeAt(0)));
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) value = value * 10 + text.charCodeAt(i) - 0x30;
  return value;
}

/** 1 to `max` characters of printable ASCII: no control character, and case folding never lengthens it. */
const printableAscii = (max: number) => (value: unknown): boolean => {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
};

const FIELD_CHECKS: Readonly<Record<keyof typeof loginAttemptEventSchema.shape, (value: unknown) => boolean>> = {
  schemaVersion: (value: unknown) => value === LOGIN_ATTEMPT_SCHEMA_VERSION,
  id: (value: unknown) => typeof value === 'string' && LOWER_UUID.test(value),
  occurredAt: isPlainInstant,
  receivedAt: isPlainInstant,
  outcome: (value: unknown) => value === 'success' || value === 'failure',
  ip: (value: unknown) => typeof value === 'string' && value.length <= 64 && parseIp(value) !== null,
  account: printableAscii(MAX_ACCOUNT_LENGTH),
  credentialFingerprint: printableAscii(256),
  endpoint: printableAscii(512),
  tenant: printableAscii(256),
  userAgent: printableAscii(1024),
  verdictWanted: (value: unknown) => value === true,
  accountCopy: (value: unknown) => value === true,
};

const FIELD_ORDER = Object.keys(loginAttemptEventSchema.shape) as Array<keyof typeof loginAttemptEventSchema.shape>;
/** Each field's check, its place in the schema's order and its bit in a set of fields. */
const FIELDS = new Map(FIELD_ORDER.map((key, index) => [key as string, { check: FIELD_CHECKS[key], index, bit: 1 << index }]));
/** The fields the schema refuses to go without. */
const REQUIRED_BITS = FIELD_ORDER.reduce((bits, key, index) => (loginAttemptEventSchema.shape[key].safeParse(undefined).success ? bits : bits | (1 << index)), 0);
