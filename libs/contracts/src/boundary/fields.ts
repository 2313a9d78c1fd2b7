import { z } from 'zod';
import { normalizeAccount } from './account-name.js';
import { parseIp } from './ip-address.js';
import { isSaneInstant } from './instant.js';
import { MAX_SUBJECT_LENGTH, normalizeSubject } from './subject.js';
import { hasControlCharacter, hasControlCharacterOutsideLineBreaks } from './text.js';

/**
 * The fields of Warden's one input boundary (DESIGN §8): every schema of a record or request that
 * comes from outside is built from these, so the HTTP edge, the Kafka decoders and the admin
 * commands accept exactly the same values, and whatever passes can be decided and stored.
 * The limits are the storage limits (prisma/schema.prisma), checked after normalization.
 */

/** An IPv4 or IPv6 address as the policy parses it (no zone id, no leading zeros, no blanks). */
export const ipField = z
  .string()
  .max(64)
  .refine((value) => parseIp(value) !== null, 'must be an IPv4 or IPv6 address');

/** A name or token: 1 to `max` characters, no control character. */
export const textField = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((value) => !hasControlCharacter(value), 'must not contain control characters');

/** Free text such as a reason: tabs and line breaks allowed, other control characters not. */
export const freeTextField = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((value) => !hasControlCharacterOutsideLineBreaks(value), 'must not contain control characters');

/** The longest account name, as given and once trimmed and case-folded (`ﬃ` folds to three letters). */
export const MAX_ACCOUNT_LENGTH = 320;

export const accountField = textField(MAX_ACCOUNT_LENGTH).refine(
  (value) => (normalizeAccount(value)?.length ?? 0) <= MAX_ACCOUNT_LENGTH,
  `must be at most ${MAX_ACCOUNT_LENGTH} characters once case-folded`,
);

/** A UUID in any case, lowercased (RFC 9562: UUIDs compare case-insensitively). */
export const uuidField = z.uuid().overwrite((value) => value.toLowerCase());

/** An ISO-8601 time with its offset, within [2000, 2100). */
export const instantField = z.iso
  .datetime({ offset: true })
  .refine(isSaneInstant, 'must be a time between 2000-01-01 and 2100-01-01');

/** A subject (DESIGN §7), normalized as the engine keys it; refused when it names none or is too long. */
export const subjectField = z
  .string()
  .min(3)
  .max(MAX_SUBJECT_LENGTH)
  .refine(
    (value) => normalizeSubject(value) !== null,
    'is not a subject: ip:<addr>, range:<cidr>, account:<name>, account-ip:<name>|<addr> or account-credential:<name>|<fingerprint>',
  )
  .overwrite((value) => normalizeSubject(value) ?? value);
