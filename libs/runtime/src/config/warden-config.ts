import { z } from 'zod';
import type { Cidr, Policy } from '#warden/ban-policy';
import { parseApiKeys, type ApiKey } from '#warden/contracts';
import { LOOPBACK_ADDRESSES, listenAddressesSchema } from './listen-addresses.js';
import { loadPolicyFile } from './policy-file.js';
import { trustedProxiesSchema } from './trusted-proxies.js';

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();

const brokerList = z
  .string()
  .transform((value) => value.split(',').map((broker) => broker.trim()).filter((broker) => broker !== ''))
  .refine((brokers) => brokers.length > 0 && brokers.every((broker) => /^[^\s:]+:\d{1,5}$/.test(broker)), {
    message: 'must be a comma list of host:port',
  });

const postgresUrl = z.string().refine((value) => {
  try {
    return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}, 'must be a postgresql:// URL');

const apiKeys = z.string().transform((value, context) => {
  const parsed = parseApiKeys(value);
  if (parsed.ok) return parsed.keys;
  context.addIssue({ code: 'custom', message: parsed.error });
  return z.NEVER;
});

/** The secret that signs the audit chain: long enough to resist guessing, one token (DESIGN §8). */
const auditKey = z
  .string()
  .min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)')
  .max(1_024, 'must be at most 1,024 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII with no spaces');

/** What is wrong with an audit key (a WARDEN_AUDIT_KEY value, or a key file's), or undefined. */
export function auditKeyProblem(text: string): string | undefined {
  const parsed = auditKey.safeParse(text);
  return parsed.success ? undefined : parsed.error.issues[0]!.message;
}

/** Every environment variable Warden reads, with its default. README's settings table mirrors it. */
const environmentSchema = z.object({
  PORT: port.default(3000),
  HOST: listenAddressesSchema.default([...LOOPBACK_ADDRESSES]),
  KAFKA_BROKERS: brokerList.optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('warden'),
  WARDEN_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, 'may hold only letters, digits, ".", "_" and "-"').default(''),
  WARDEN_TOPIC_PARTITIONS: positiveInt.max(1_000).default(6),
  DATABASE_URL: postgresUrl.optional(),
  WARDEN_DB_POOL_SIZE: positiveInt.max(200).default(10),
  WARDEN_API_KEYS: apiKeys.optional(),
  WARDEN_AUDIT_KEY: auditKey.optional(),
  WARDEN_MAX_BODY_BYTES: positiveInt.default(2 * 1024 * 1024),
  WARDEN_POLICY: z.string().min(1).optional(),
  WARDEN_ATTEMPT_RETENTION_HOURS: positiveInt.max(24 * 366).default(7 * 24),
  WARDEN_ALLOWLIST: z
    .string()
    .transform((value) => value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
    .default([]),
  WARDEN_VERDICT_TIMEOUT_MS: positiveInt.max(60_000).default(2_000),
  WARDEN_POISON_TRIES: positiveInt.max(100).default(3),
  WARDEN_KAFKA_SESSION_TIMEOUT_MS: positiveInt.min(6_000).max(300_000).default(30_000),
  WARDEN_TRUSTED_PROXIES: trustedProxiesSchema.default([]),
  WARDEN_DATA_DIR: z.string().min(1).default('.warden'),
  WARDEN_ACCESS_LOG_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(1),
  WARDEN_HEAVY_REQUESTS_PER_KEY: positiveInt.max(100).default(1),
  WARDEN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface WardenConfig {
  readonly port: number;
  /** The addresses to listen on (`HOST`); loopback only unless widened. */
  readonly hosts: readonly string[];
  readonly kafka: { readonly brokers: readonly string[]; readonly clientId: string } | undefined;
  readonly topicPrefix: string;
  readonly topicPartitions: number;
  readonly databaseUrl: string | undefined;
  readonly dbPoolSize: number;
  readonly apiKeys: readonly ApiKey[] | undefined;
  /**
   * HMAC key that signs each audit log entry (WARDEN_AUDIT_KEY; the embedded mode keeps one in its
   * data folder): a rewrite of the log with recomputed hashes no longer verifies. Unset: unsigned.
   */
  readonly auditKey: string | undefined;
  readonly maxBodyBytes: number;
  readonly logLevel: string;
  /** The share of requests (0…1) that get an access log line; every 5xx gets one. */
  readonly accessLogSampleRate: number;
  /** Where the embedded mode keeps its PostgreSQL data and generated API key (WARDEN_DATA_DIR). */
  readonly dataDir: string;
  /** How long attempt ids are kept to recognise a replayed or resent attempt. */
  readonly attemptRetentionMs: number;
  /** The ban policy (WARDEN_POLICY or the defaults) with WARDEN_ALLOWLIST added. */
  readonly policy: Policy;
  /** How long `POST /v1/attempts?wait=verdict` waits for the engine's verdicts. */
  readonly verdictTimeoutMs: number;
  /** Tries of a failing batch, and then of its failing record, before the record is dead-lettered (DESIGN §8). */
  readonly poisonTries: number;
  /** How long Kafka waits for a silent group member before it gives its partitions to another. */
  readonly kafkaSessionTimeoutMs: number;
  /** Proxies whose `X-Forwarded-For` / `X-Real-IP` name the client (WARDEN_TRUSTED_PROXIES). */
  readonly trustedProxies: readonly Cidr[];
  /** Requests one API key may have in flight at once on each heavy endpoint family (verify, export, stats, backtest). */
  readonly heavyRequestsPerKey: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/**
 * Reads and validates the environment once, at start. Any missing or malformed variable stops the
 * process with a message naming it (the value of a secret is never repeated).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): WardenConfig {
  const blankAsUnset = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = environmentSchema.safeParse(blankAsUnset);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  const policy = loadPolicyFile(e.WARDEN_POLICY, e.WARDEN_ALLOWLIST);
  if (!policy.ok) throw new ConfigError(policy.errors);
  return {
    port: e.PORT,
    hosts: e.HOST,
    kafka: e.KAFKA_BROKERS ? { brokers: e.KAFKA_BROKERS, clientId: e.KAFKA_CLIENT_ID } : undefined,
    topicPrefix: e.WARDEN_TOPIC_PREFIX,
    topicPartitions: e.WARDEN_TOPIC_PARTITIONS,
    databaseUrl: e.DATABASE_URL,
    dbPoolSize: e.WARDEN_DB_POOL_SIZE,
    apiKeys: e.WARDEN_API_KEYS,
    auditKey: e.WARDEN_AUDIT_KEY,
    maxBodyBytes: e.WARDEN_MAX_BODY_BYTES,
    logLevel: e.WARDEN_LOG_LEVEL,
    accessLogSampleRate: e.WARDEN_ACCESS_LOG_SAMPLE_RATE,
    dataDir: e.WARDEN_DATA_DIR,
    attemptRetentionMs: e.WARDEN_ATTEMPT_RETENTION_HOURS * 3_600_000,
    policy: policy.policy,
    verdictTimeoutMs: e.WARDEN_VERDICT_TIMEOUT_MS,
    poisonTries: e.WARDEN_POISON_TRIES,
    kafkaSessionTimeoutMs: e.WARDEN_KAFKA_SESSION_TIMEOUT_MS,
    trustedProxies: e.WARDEN_TRUSTED_PROXIES,
    heavyRequestsPerKey: e.WARDEN_HEAVY_REQUESTS_PER_KEY,
  };
}

/** For the distributed apps: the settings they cannot run without, named when missing. */
export function requireDistributedSettings(
  config: WardenConfig,
  needs: { kafka?: boolean; database?: boolean; apiKeys?: boolean },
): void {
  const missing: string[] = [];
  if (needs.kafka && !config.kafka) missing.push('KAFKA_BROKERS: required (comma list of host:port)');
  if (needs.database && !config.databaseUrl) missing.push('DATABASE_URL: required (postgresql:// URL)');
  if (needs.apiKeys && !config.apiKeys) {
    missing.push('WARDEN_API_KEYS: required when running distributed (name:key:scopes;…)');
  }
  if (missing.length > 0) throw new ConfigError(missing);
}

/** Nest injection token of the validated {@link WardenConfig}. */
export const WARDEN_CONFIG = 'WARDEN_CONFIG';
