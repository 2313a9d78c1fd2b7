import { logLevel, type LogEntry } from 'kafkajs';

export type NestLogLevel = 'error' | 'warn' | 'log' | 'debug';

const LEVELS: Record<number, NestLogLevel> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/**
 * kafkajs warns at every start when an idempotent producer's retries are bounded. They are bounded
 * on purpose: a publish that cannot succeed must fail (HTTP 503, batch redelivered) rather than hang,
 * and a resend after that is harmless because every attempt carries its idempotency id.
 */
const EXPECTED_WARNING = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

/**
 * The level a kafkajs log line is written at, or null for none. kafkajs writes ERROR for things it
 * then handles itself, so a broker's leader election or a coordinator still loading filled the log
 * with errors that never reached Warden (as Kafka's own Java client learned, it logs them at debug):
 * - `Response <Api>(…)`, a broker's error answer to one request: kafkajs throws it to the request's
 *   caller at once, which retries it or fails with it, and Warden logs what finally fails;
 * - a line that carries `retryCount`: one try of a retried call ("Failed to send messages: …"),
 *   a warning, since it is retried (a call that gives up throws to Warden, which says so).
 */
export function kafkaLogLevel(level: LogEntry['level'], log: LogEntry['log']): NestLogLevel | null {
  if (log.message === EXPECTED_WARNING) return null;
  const at = LEVELS[level] ?? 'log';
  if (at !== 'error') return at;
  if (log.message.startsWith('Response ')) return 'debug';
  return 'retryCount' in log ? 'warn' : 'error';
}
