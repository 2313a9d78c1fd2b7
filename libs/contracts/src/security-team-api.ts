import { z } from 'zod';
import { banItemRecordSchema } from './verdict.js';

/** The most bans one `GET /v1/bans` page holds, and how many it holds by default. */
export const MAX_BAN_PAGE = 1_000;
export const DEFAULT_BAN_PAGE = 100;

const instant = z.iso.datetime({ offset: true });

/** Where a ban stands: in force, lifted by hand, or run out. */
export const BAN_STATES = ['active', 'lifted', 'expired'] as const;
export const banStateSchema = z.enum(BAN_STATES);
export type BanState = z.infer<typeof banStateSchema>;

/** The scopes a subject can have (DESIGN §7). */
export const BAN_SCOPES = ['ip', 'range', 'account', 'account-ip', 'account-credential'] as const;

/** Query of `GET /v1/bans` (DESIGN §5): `q` is a substring of the subject. */
export const banListQuerySchema = z.strictObject({
  state: banStateSchema.default('active'),
  scope: z.enum(BAN_SCOPES).optional(),
  rule: z.string().min(1).max(128).optional(),
  q: z.string().min(1).max(1024).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_BAN_PAGE).default(DEFAULT_BAN_PAGE),
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,2048}$/, 'is not a cursor this API gave out').optional(),
});

export type BanListQuery = z.infer<typeof banListQuerySchema>;

/** One ban of the list: as `GET /v1/status` shows it, and since when, where it stands, who imposed a manual one. */
export const banListItemSchema = banItemRecordSchema.unwrap().extend({
  since: instant,
  state: banStateSchema,
  policyVersion: z.string(),
  actor: z.string().nullable().describe("Who lifted a lifted ban or imposed a manual one (an API key name); null for the policy's own bans."),
});

export type BanListItem = z.infer<typeof banListItemSchema>;

/** Newest first (by `since`). `nextCursor` fetches the next older page; null on the last one. */
export const banPageSchema = z.object({
  items: z.array(banListItemSchema),
  nextCursor: z.string().nullable(),
});

export type BanPage = z.infer<typeof banPageSchema>;

/** The windows `GET /v1/stats` counts over, and the minutes each holds. */
export const STATS_WINDOWS = { '15m': 15, '1h': 60, '6h': 360, '24h': 1_440 } as const;
export type StatsWindow = keyof typeof STATS_WINDOWS;

/** Query of `GET /v1/stats`. */
export const statsQuerySchema = z.strictObject({
  window: z.enum(Object.keys(STATS_WINDOWS) as [StatsWindow, ...StatsWindow[]]).default('1h'),
});

export type StatsQuery = z.infer<typeof statsQuerySchema>;

/** Counts per minute, one per entry of `minutes`, under a name (an outcome, a rule, a type). */
const seriesByName = z
  .record(z.string(), z.array(z.number().int().nonnegative()))
  .describe('Counts per minute under a name (an outcome, a rule, an incident type), one per entry of `minutes`.');

/** `GET /v1/stats`: per-minute counts over the window, oldest minute first, and the most banned. */
export const statsSchema = z.object({
  window: z.string(),
  /** The start of the first minute counted. */
  from: instant,
  /** The time of the answer: the last minute is counted up to it. */
  to: instant,
  /** The start of each minute, oldest first; every series has one count per entry. */
  minutes: z.array(instant),
  /** Recorded login attempts by outcome (`success`, `failure`), by the attempt's time. */
  attempts: seriesByName,
  /** Bans imposed (`ban_imposed`, and `manual_ban` under the rule `manual`) by rule; simulated rules excluded. */
  bansImposed: seriesByName,
  /** Bans escalated by rule; simulated rules excluded. */
  bansEscalated: seriesByName,
  /** Incidents by type: every type of incident has a series. */
  incidents: seriesByName,
  /** The subjects banned or escalated most often in the window, most first (at most 10). */
  topSubjects: z.array(z.object({ subject: z.string(), bans: z.number().int().positive(), level: z.number().int() })),
  /** The same counted per network (the policy's range prefix: IPv4 /24, IPv6 /64 by default) of ip, range and account-ip subjects. */
  topNetworks: z.array(z.object({ network: z.string(), bans: z.number().int().positive(), subjects: z.number().int().positive() })),
});

export type Stats = z.infer<typeof statsSchema>;
