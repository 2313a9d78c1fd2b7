import { incidentExportQuerySchema, incidentSearchQuerySchema, manualUnbanQuerySchema } from '#warden/contracts';
import { ProblemError } from '#warden/http-kit';
import { parseInput } from './parse-input.js';

function errorsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof ProblemError) return error.problem.errors;
    throw error;
  }
  throw new Error('it was accepted');
}

describe('parseInput', () => {
  it('says what an out-of-range or invalid value must be, naming the parameter, never "is required"', () => {
    expect(errorsOf(() => parseInput(incidentSearchQuerySchema, { limit: '5000', type: 'nope', from: 'yesterday' }, 'query'))).toEqual([
      { field: 'type', message: expect.stringMatching(/^must be one of ban_imposed, .*client_throttled$/) },
      { field: 'from', message: 'must be an ISO-8601 time with its offset, e.g. 2026-03-01T12:00:00Z' },
      { field: 'limit', message: 'must be at most 1000' },
    ]);
    expect(errorsOf(() => parseInput(incidentExportQuerySchema, { format: 'xml' }, 'query'))).toEqual([{ field: 'format', message: 'must be one of ndjson, csv' }]);
    expect(errorsOf(() => parseInput(incidentSearchQuerySchema, { limit: 'ten' }, 'query'))).toEqual([{ field: 'limit', message: 'must be a number' }]);
    expect(errorsOf(() => parseInput(incidentSearchQuerySchema, { limit: '0' }, 'query'))).toEqual([{ field: 'limit', message: 'must be at least 1' }]);
  });

  it('says "is required" where the value is absent, keeps a schema\'s own message, and names unknown parameters', () => {
    expect(errorsOf(() => parseInput(manualUnbanQuerySchema, {}, 'query'))).toEqual([{ field: 'reason', message: 'is required' }]);
    expect(errorsOf(() => parseInput(incidentSearchQuerySchema, { cursor: '!' }, 'query'))).toEqual([
      { field: 'cursor', message: 'is not a cursor this API gave out' },
    ]);
    expect(errorsOf(() => parseInput(incidentSearchQuerySchema, { colour: 'red' }, 'query'))).toEqual([
      { field: 'colour', message: 'is not a parameter of this endpoint' },
    ]);
  });
});
