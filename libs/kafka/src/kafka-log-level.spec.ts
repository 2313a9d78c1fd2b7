import { logLevel } from 'kafkajs';
import { kafkaLogLevel } from './kafka-log-level.js';

const entry = (message: string, extra: Record<string, unknown> = {}) => ({ timestamp: '2026-12-04T04:00:00.000Z', logger: 'kafkajs', message, ...extra });

describe('kafkaLogLevel', () => {
  it("writes a broker's error answer, which kafkajs throws to its caller, at debug", () => {
    const answer = entry('Response Produce(key: 0, version: 7)', { error: 'This server is not the leader for that topic-partition', correlationId: 5 });
    expect(kafkaLogLevel(logLevel.ERROR, answer)).toBe('debug');
  });

  it('writes one try of a retried call as a warning', () => {
    const retried = entry('Failed to send messages: This server is not the leader for that topic-partition', { retryCount: 0, retryTime: 264 });
    expect(kafkaLogLevel(logLevel.ERROR, retried)).toBe('warn');
  });

  it('keeps every other error an error, and the other levels as they are', () => {
    expect(kafkaLogLevel(logLevel.ERROR, entry('Crash: KafkaJSNumberOfRetriesExceeded: connection refused', { groupId: 'g' }))).toBe('error');
    expect(kafkaLogLevel(logLevel.WARN, entry('Response Heartbeat(key: 12, version: 3)'))).toBe('warn');
    expect(kafkaLogLevel(logLevel.INFO, entry('Consumer has joined the group'))).toBe('log');
  });

  it("drops the idempotent producer's warning about its bounded retries", () => {
    expect(kafkaLogLevel(logLevel.WARN, entry('Limiting retries for the idempotent producer may invalidate EoS guarantees'))).toBeNull();
  });
});
