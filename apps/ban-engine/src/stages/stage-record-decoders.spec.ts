import { UnreadableRecordError } from '#warden/kafka';
import { decodeAccountStageRecord, decodeNetworkStageRecord } from './stage-record-decoders.js';

const attempt = {
  schemaVersion: 1,
  id: '0f8fad5b-d9cb-469f-a165-70867728950e',
  occurredAt: '2024-03-01T10:00:00.000Z',
  receivedAt: '2024-03-01T10:00:01.000Z',
  outcome: 'failure',
  ip: '203.0.113.7',
  account: 'alice',
};
const routed = {
  schemaVersion: 1,
  routed: 'admin-command',
  command: { schemaVersion: 1, id: '9b2d546d-a680-453f-8964-4173a0b1c2d3', type: 'ban', subject: 'ip:203.0.113.7', durationSeconds: 600, reason: 'abuse', actor: 'soc', issuedAt: '2024-03-01T10:00:00.000Z' },
};
const forwarded = { schemaVersion: 1, attempt, network: { bans: [], trigger: false, thresholdReached: false } };
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

/** The decoder's refusal, as the bus dead-letters it. */
function refusal(decode: (value: Buffer) => unknown, value: unknown): { reason: string; message: string } {
  try {
    decode(bytes(value));
  } catch (error) {
    if (error instanceof UnreadableRecordError) return { reason: error.reason, message: error.message };
    throw error;
  }
  throw new Error('the record was read');
}

describe('stage record decoders', () => {
  it('read each kind of record of a stage log as that kind', () => {
    expect(decodeNetworkStageRecord(bytes(attempt))).toEqual(attempt);
    expect(decodeNetworkStageRecord(bytes(routed))).toEqual(routed);
    expect(decodeAccountStageRecord(bytes(attempt))).toEqual(attempt);
    expect(decodeAccountStageRecord(bytes(forwarded))).toEqual(forwarded);
    expect(decodeAccountStageRecord(bytes(routed))).toEqual(routed);
  });

  it("refuse what is not JSON, and name the bad fields of the kind the record claims to be", () => {
    expect(refusal(decodeNetworkStageRecord, '{"id":')).toEqual({ reason: 'not_json', message: 'the value is not JSON' });
    expect(refusal(decodeNetworkStageRecord, { ...attempt, ip: 'nowhere' })).toEqual({ reason: 'invalid_record', message: 'not a login attempt: ip: must be an IPv4 or IPv6 address' });
    expect(refusal(decodeNetworkStageRecord, { ...routed, command: { ...routed.command, durationSeconds: -1 } }).message).toMatch(/^not a routed admin command: command\.durationSeconds: /);
    // A forwarded record belongs to the account stage's log only.
    expect(refusal(decodeNetworkStageRecord, forwarded).message).toMatch(/^not a login attempt: /);
    expect(refusal(decodeAccountStageRecord, { ...forwarded, network: { ...forwarded.network, trigger: 'yes' } }).message).toMatch(/^not a forwarded attempt: network\.trigger: /);
    expect(refusal(decodeAccountStageRecord, [attempt]).message).toMatch(/^not a login attempt: \(value\): /);
  });
});
