import { freePort } from '../../scripts/kafka-broker.js';
import { spawnApp, waitUntilReady } from '../harness/app-process.js';
import { TEST_API_KEYS, uniqueTopicPrefix } from '../harness/running-app.js';

const base = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  KAFKA_BROKERS: process.env.KAFKA_BROKERS,
  DATABASE_URL: process.env.DATABASE_URL,
  WARDEN_API_KEYS: TEST_API_KEYS,
  WARDEN_TOPIC_PREFIX: uniqueTopicPrefix('process'),
});

describe('apps as processes (built entry points)', () => {
  it.each([
    ['gateway-api', { PORT: 'eighty' }, /PORT: /],
    ['ban-engine', { DATABASE_URL: 'http://not-postgres' }, /DATABASE_URL: must be a postgresql:\/\/ URL/],
    ['audit', { KAFKA_BROKERS: 'no-port' }, /KAFKA_BROKERS: must be a comma list of host:port/],
    ['ban-engine', { WARDEN_API_KEYS: '' }, /WARDEN_API_KEYS: required when running distributed/],
    ['gateway-api', { KAFKA_BROKERS: '' }, /KAFKA_BROKERS: required/],
  ])('%s stops at start with a message naming the bad setting (%j)', async (app, env, message) => {
    const running = spawnApp(app, { ...base(), PORT: '0', ...env });
    expect(await running.exited()).toBe(1);
    expect(running.output()).toMatch(message);
  });

  it.each(['gateway-api', 'ban-engine', 'audit'])('%s starts, reports ready, logs JSON, and stops cleanly on SIGTERM', async (app) => {
    const port = await freePort();
    const running = spawnApp(app, { ...base(), PORT: String(port), HOST: '127.0.0.1' });
    await waitUntilReady(running, `http://127.0.0.1:${port}`);
    running.child.kill('SIGTERM');
    // Nest runs the shutdown hooks, then ends the process with the signal it received.
    expect(await running.exited()).toBe('SIGTERM');
    const lines = running.output().trim().split('\n');
    // Every line is a JSON object of one shape: structured logs (docs/operations.md).
    for (const line of lines) expect(JSON.parse(line)).toEqual(expect.objectContaining({ level: expect.stringMatching(/^(info|warn|error|debug)$/), time: expect.any(String), msg: expect.any(String) }));
    expect(lines.some((line) => line.includes(`${app} listening on`))).toBe(true);
    // The last line but access lines (a readiness poll can be answered while it stops).
    expect(lines.map((line) => JSON.parse(line) as { msg: string }).filter((line) => line.msg !== 'request').at(-1)?.msg).toBe(`${app} stopped`);
  });
});
