/**
 * Whether a failure comes from the infrastructure (the database or the broker unreachable, a
 * connection cut, a deadlock) rather than from the records being handled. Such a failure is not a
 * poison pill: the batch waits and is tried again, however long it takes, and nothing is
 * dead-lettered for it (DESIGN §8).
 */
export function isInfrastructureFailure(error: unknown): boolean {
  return causes(error).some(isInfrastructureCause);
}

/**
 * The PostgreSQL SQLSTATE classes that a record's content can cause: data exceptions (22: a NUL, a
 * date out of range, a value too long), integrity constraints (23), program limits (54: a row too
 * large). Every other class is the server's or the deployment's state — a lost connection (08), a
 * deadlock (40), no resources (53), a terminated backend (57), a missing table or privilege (42) —
 * and waits for someone to fix it rather than dead-lettering good records.
 */
const CONTENT_SQLSTATE_CLASSES = new Set(['22', '23', '54']);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/** Prisma's codes for an unreachable or overloaded server, and for a table or column that is not there (the deployment's fault, never the record's). */
const PRISMA_CONNECTION_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2021', 'P2022']);

/** What node-postgres says when its connection is gone. */
const PG_CONNECTION_MESSAGES = [
  'Connection terminated',
  'connection terminated',
  'timeout exceeded when trying to connect',
  'is not queryable',
  'Cannot use a pool after calling end',
];

/** kafkajs errors about the cluster, not the records (a message too large is the records' fault). */
const KAFKAJS_INFRASTRUCTURE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSNoBrokerAvailableError',
]);

function isInfrastructureCause(error: object): boolean {
  const { code, name, message, retriable } = error as { code?: unknown; name?: unknown; message?: unknown; retriable?: unknown };
  if (typeof name === 'string' && name.startsWith('PrismaClient')) {
    if (name === 'PrismaClientInitializationError' || (typeof code === 'string' && PRISMA_CONNECTION_CODES.has(code))) return true;
    // A raw query's failure (P2010) carries the server's SQLSTATE in its meta and its message.
    const meta = (error as { meta?: { code?: unknown } }).meta;
    const sqlState = typeof meta?.code === 'string' ? meta.code : typeof message === 'string' ? /Code: `([0-9A-Z]{5})`/.exec(message)?.[1] : undefined;
    return sqlState !== undefined && isTransientSqlState(sqlState);
  }
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return true;
    if (isTransientSqlState(code)) return true;
  }
  if (typeof name === 'string' && name.startsWith('KafkaJS') && (KAFKAJS_INFRASTRUCTURE.has(name) || retriable === true)) return true;
  return typeof message === 'string' && PG_CONNECTION_MESSAGES.some((text) => message.includes(text));
}

function isTransientSqlState(code: string): boolean {
  return /^[0-9A-Z]{5}$/.test(code) && !CONTENT_SQLSTATE_CLASSES.has(code.slice(0, 2));
}

/** The error and what it wraps (`cause`, kafkajs' `originalError`, an AggregateError's errors). */
function causes(error: unknown, depth = 0): object[] {
  if (typeof error !== 'object' || error === null || depth > 8) return [];
  const { cause, originalError, errors } = error as { cause?: unknown; originalError?: unknown; errors?: unknown };
  const inner = [cause, originalError, ...(Array.isArray(errors) ? errors : [])];
  return [error, ...inner.flatMap((next) => causes(next, depth + 1))];
}
