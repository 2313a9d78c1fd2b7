import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger as Pino } from 'pino';

/** The four levels a log store is told about; pino's trace and fatal fold into them. */
const LEVEL_NAMES: Readonly<Record<string, string>> = { trace: 'debug', debug: 'debug', info: 'info', warn: 'warn', error: 'error', fatal: 'error' };

/**
 * Fields that may hold a secret wherever they appear in a line: a key (the `Authorization`
 * header), a password, a credential's fingerprint, a database URL (its password), a record's
 * payload (an attempt's fingerprint). Warden's own code never logs them; this is the net below.
 */
const SECRET_FIELDS = ['authorization', 'password', 'credentialFingerprint', 'databaseUrl', 'connectionString', 'payload', 'apiKeys'];
const REDACTED_PATHS = SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

/**
 * Warden's log lines: one JSON object per line on stdout, always the same shape — `level` (info,
 * warn, error, debug), `time` (ISO-8601), `msg` (a string), and every other field beside them
 * (`context`, `route`, `err`…), so a log store can map each field to one type.
 *
 * Written by pino (sonic-boom, synchronous on stdout, so no line is lost at `process.exit`) behind
 * Nest's LoggerService. nestjs-pino was not taken: its release for Nest 12 requires Node 22, and its
 * pino-http access log would not see the fast routes, which Fastify never sees.
 */
export class JsonLogger implements LoggerService {
  constructor(readonly pino: Pino) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  /** Nest passes `(message, stack?, context?)`. */
  error(message: unknown, ...params: unknown[]): void {
    const context = params.length > 0 && typeof params.at(-1) === 'string' ? (params.pop() as string) : undefined;
    const stack = typeof params[0] === 'string' ? params[0] : undefined;
    this.write('error', message, context === undefined ? [] : [context], stack);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal', message: unknown, params: readonly unknown[], stack?: string): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const context = typeof params.at(-1) === 'string' ? (params.at(-1) as string) : undefined;
    const { msg, fields } = lineOf(message);
    this.pino[level]({ ...(context === undefined ? {} : { context }), ...fields, ...(stack === undefined ? {} : { stack }) }, msg);
  }
}

/** A message as Nest and Warden's code pass it (a string, `{ msg, …fields }`, an Error) as `msg` and fields. */
function lineOf(message: unknown): { msg: string; fields: Record<string, unknown> } {
  if (typeof message === 'string') return { msg: message, fields: {} };
  // pino's serializer writes an Error under `err` as { type, message, stack }.
  if (message instanceof Error) return { msg: message.message, fields: { err: message } };
  if (message !== null && typeof message === 'object' && !Array.isArray(message)) {
    const { msg, message: text, ...fields } = message as Record<string, unknown>;
    // `level` and `time` belong to the line; a field of that name is kept under another.
    for (const taken of ['level', 'time'] as const) {
      if (taken in fields) {
        fields[`${taken}Field`] = fields[taken];
        delete fields[taken];
      }
    }
    const said = msg ?? text;
    return { msg: typeof said === 'string' ? said : said === undefined ? '' : JSON.stringify(said), fields };
  }
  return { msg: JSON.stringify(message) ?? String(message), fields: {} };
}

/** The process's logger at `WARDEN_LOG_LEVEL` (`fatal` … `trace`, or `silent`); on stdout unless told otherwise (tests). */
export function jsonLogger(level: string, destination?: DestinationStream): JsonLogger {
  return new JsonLogger(
    pino(
      {
      level,
      base: { pid: process.pid },
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: LEVEL_NAMES[label] ?? label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      },
      // pino's own default stdout stream is asynchronous: its last lines were lost when Nest ends
      // the process with the signal it received (seen as a missing "stopped" line in the tests).
      destination ?? pino.destination({ dest: 1, sync: true }),
    ),
  );
}
