import type { z } from 'zod';
import { ProblemError, problem, validateInput } from '#warden/http-kit';

/**
 * Validates a query or body against its declared schema at the edge. A failure answers 400 with
 * every bad field named; a parameter the endpoint does not know is named too, never ignored.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: 'query' | 'body'): z.output<S> {
  const parsed = validateInput(schema, input ?? {}, { prefix: '', unknownField: `is not a ${what === 'query' ? 'parameter' : 'field'} of this endpoint` });
  if (parsed.ok) return parsed.data;
  const errors = parsed.errors.map((error) => (error.field === '' ? { ...error, field: `(${what})` } : error));
  const fields = [...new Set(errors.map((error) => error.field))].join(', ');
  throw new ProblemError(problem(400, 'validation_failed', `Invalid ${what}: ${fields}.`, errors));
}

/** `from` must come before `to` where both are given. */
export function timeRange(query: { from?: string; to?: string }): { from?: Date; to?: Date } {
  const from = query.from === undefined ? undefined : new Date(query.from);
  const to = query.to === undefined ? undefined : new Date(query.to);
  if (from && to && from >= to) {
    throw new ProblemError(problem(400, 'validation_failed', 'Invalid query: from must be before to.', [{ field: 'from', message: 'must be before to' }]));
  }
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}
