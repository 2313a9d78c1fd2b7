import { z } from 'zod';
import { MAX_MANUAL_BAN_SECONDS } from './admin-command.js';
import { accountField, freeTextField, ipField, MAX_SUBJECT_LENGTH, textField } from './boundary/index.js';
import { incidentRecordSchema, incidentTypeSchema } from './incident.js';

/** The most incidents one `GET /v1/incidents` page holds, and how many it holds by default. */
export const MAX_INCIDENT_PAGE = 1_000;
export const DEFAULT_INCIDENT_PAGE = 100;

const instant = z.iso.datetime({ offset: true });

/** An incident as the audit log holds it: the record, its place in the chain, and its hash. */
export const auditedIncidentSchema = incidentRecordSchema.unwrap().extend({
  /** Its place in the audit log: 1, 2, 3… in the order it was recorded. */
  sequence: z.number().int().positive(),
  recordedAt: instant,
  /** SHA-256 (hex) of the previous entry's hash and this entry's canonical content. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});

export type AuditedIncident = z.infer<typeof auditedIncidentSchema>;

/** Query of `GET /v1/incidents` (DESIGN §5): `from` inclusive, `to` exclusive, on the incident's `at`. */
export const incidentSearchQuerySchema = z.strictObject({
  subject: textField(MAX_SUBJECT_LENGTH).optional(),
  type: incidentTypeSchema.optional(),
  from: instant.optional(),
  to: instant.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_INCIDENT_PAGE).default(DEFAULT_INCIDENT_PAGE),
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,24}$/, 'is not a cursor this API gave out').optional(),
});

export type IncidentSearchQuery = z.infer<typeof incidentSearchQuerySchema>;

/** Newest first. `nextCursor` fetches the next older page; null on the last one. */
export const incidentPageSchema = z.object({
  items: z.array(auditedIncidentSchema),
  nextCursor: z.string().nullable(),
});

export type IncidentPage = z.infer<typeof incidentPageSchema>;

/** Query of `GET /v1/incidents/export`. */
export const incidentExportQuerySchema = z.strictObject({
  format: z.enum(['ndjson', 'csv']).default('ndjson'),
  from: instant.optional(),
  to: instant.optional(),
});

export type IncidentExportQuery = z.infer<typeof incidentExportQuerySchema>;

/** `GET /v1/audit/verify`: the chain recomputed from the first entry to the last. */
export const auditVerificationSchema = z.object({
  ok: z.boolean(),
  /** Entries checked, up to and including the first broken one. */
  checked: z.number().int().nonnegative(),
  /** The id of the first entry whose hash or place in the chain does not hold. */
  firstBrokenId: z.uuid().optional(),
  /** Why that entry breaks the chain. */
  problem: z.string().optional(),
  /** Hash of the last entry checked: keep it elsewhere to detect a rewrite of the whole chain later. */
  headHash: z.string().nullable(),
  /** Whether entries' signatures were checked (WARDEN_AUDIT_KEY is set). */
  keyed: z.boolean(),
  /**
   * The last entry that holds, with its signature (null when unsigned): keep it outside Warden and
   * pass it back as `?head=<sequence>:<hash>` to detect a truncated, emptied or rewritten log.
   */
  head: z
    .object({
      sequence: z.number().int().positive(),
      hash: z.string(),
      signature: z.string().nullable(),
    })
    .nullable(),
});

/** Query of `GET /v1/audit/verify`: optionally a head an earlier `verify` answered. */
export const auditVerifyQuerySchema = z.strictObject({
  head: z
    .string()
    .regex(/^[1-9][0-9]{0,15}:[0-9a-f]{64}$/, 'must be <sequence>:<hash> of a head verify answered')
    .optional(),
});

export type AuditVerifyQuery = z.infer<typeof auditVerifyQuerySchema>;

export type AuditVerification = z.infer<typeof auditVerificationSchema>;

/** Body of `POST /v1/bans`: exactly one of `ip`, `account`, `range`. */
export const manualBanRequestSchema = z
  .strictObject({
    ip: ipField.optional(),
    account: accountField.optional(),
    range: textField(64).optional(),
    durationSeconds: z.number().int().positive().max(MAX_MANUAL_BAN_SECONDS),
    reason: freeTextField(2_000),
  })
  .refine((body) => [body.ip, body.account, body.range].filter((value) => value !== undefined).length === 1, {
    message: 'give exactly one of ip, account, range',
    path: ['ip'],
  });

export type ManualBanRequest = z.infer<typeof manualBanRequestSchema>;

/** Query of `DELETE /v1/bans/{subject}`. */
export const manualUnbanQuerySchema = z.strictObject({
  reason: freeTextField(2_000),
});

/** Answer of `POST /v1/bans` and `DELETE /v1/bans/{subject}`: the admin command published. */
export const adminCommandAcceptedSchema = z.object({
  /** The command's id; its `manual_ban` / `manual_unban` incident follows once the engine applies it. */
  id: z.uuid(),
  subject: z.string(),
});

export type AdminCommandAccepted = z.infer<typeof adminCommandAcceptedSchema>;

/** What a ban and each change of it say alike: the rule, its level and time, what caused it. */
const banFields = {
  rule: z.string(),
  level: z.number().int(),
  since: instant,
  until: instant,
  policyVersion: z.string(),
  attemptIds: z.array(z.string()),
};

const banChangeSchema = z.object({
  type: z.string(),
  ...banFields,
  actor: z.string(),
  reason: z.string().nullable(),
  at: instant,
});

/** `GET /v1/bans/{subject}/explain`: the ban as it stands and every change of it, oldest first. */
export const banExplanationSchema = z.object({
  subject: z.string(),
  scope: z.string(),
  status: z.enum(['active', 'lifted', 'expired']),
  /** `attemptIds`: the attempts that caused the ban as it stands. */
  ...banFields,
  visible: z.boolean(),
  history: z.array(banChangeSchema),
});

export type BanExplanation = z.infer<typeof banExplanationSchema>;

/** `POST /v1/policy/backtest`: the span of recorded attempts (event time, `to` excluded) and how many subjects to list per group. */
export const policyBacktestQuerySchema = z.strictObject({
  from: instant.optional(),
  to: instant.optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(20),
});

export type PolicyBacktestQuery = z.infer<typeof policyBacktestQuerySchema>;

/** Content types a policy file may be sent as (`POST /v1/policy/backtest`), beside application/json. */
export const POLICY_YAML_CONTENT_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'] as const;
export const POLICY_BACKTEST_PATH = '/v1/policy/backtest';
