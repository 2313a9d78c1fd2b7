import { ConfigError, loadConfig } from '#warden/runtime';
import { wardenModeOf } from './warden-mode.js';

const KAFKA = { KAFKA_BROKERS: '127.0.0.1:9092' };
const DATABASE = { DATABASE_URL: 'postgresql://warden@db:5432/warden' };
const KEYS = { WARDEN_API_KEYS: 'ops:s3cret-key:*' };

describe('wardenModeOf', () => {
  it.each([
    ['no settings: embedded PostgreSQL, in-process bus', {}, { embeddedPostgres: true, inProcessBus: true }],
    ['DATABASE_URL only: that server, in-process bus', DATABASE, { embeddedPostgres: false, inProcessBus: true }],
    ['both: distributed', { ...KAFKA, ...DATABASE, ...KEYS }, { embeddedPostgres: false, inProcessBus: false }],
  ])('%s', (_, env, mode) => {
    expect(wardenModeOf(loadConfig(env))).toEqual(mode);
  });

  it('refuses KAFKA_BROKERS without DATABASE_URL, naming DATABASE_URL', () => {
    expect(() => wardenModeOf(loadConfig({ ...KAFKA, ...KEYS }))).toThrow(ConfigError);
    expect(() => wardenModeOf(loadConfig({ ...KAFKA, ...KEYS }))).toThrow(/DATABASE_URL: required when KAFKA_BROKERS is set/);
  });

  it('refuses the distributed mode without WARDEN_API_KEYS', () => {
    expect(() => wardenModeOf(loadConfig({ ...KAFKA, ...DATABASE }))).toThrow(/WARDEN_API_KEYS: required/);
  });
});
