import { requestIdOf } from './request-id.js';

describe('requestIdOf', () => {
  it('takes the caller X-Request-Id when it is a printable token', () => {
    expect(requestIdOf({ 'x-request-id': 'req-42.a:b' })).toBe('req-42.a:b');
  });

  it('takes the trace id of a traceparent', () => {
    expect(requestIdOf({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' })).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it.each([
    [{ 'x-request-id': 'has space' }],
    [{ 'x-request-id': 'x'.repeat(129) }],
    [{ 'x-request-id': 'new\nline' }],
    [{ traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' }],
    [{ traceparent: 'garbage' }],
    [{}],
  ])('makes a new UUID for %j', (headers) => {
    expect(requestIdOf(headers)).toMatch(/^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/);
  });
});
