import { freePort } from '../../scripts/kafka-broker.js';
import { spawnApp, waitUntilReady, type AppProcess } from '../harness/app-process.js';
import { uniqueTopicPrefix } from '../harness/running-app.js';
import { CuttableProxy, resumesAcrossRestart, scenarios, type LiveWarden } from './client-scenarios.js';

const KEY = 'client-e2e-key-0001';

/** libs/client against Warden as separate processes on the run's real Kafka and Postgres. */
describe('gateway library against distributed Warden (gateway-api, ban-engine, audit)', () => {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    DATABASE_URL: process.env.DATABASE_URL,
    WARDEN_API_KEYS: `client:${KEY}:*`,
    WARDEN_TOPIC_PREFIX: uniqueTopicPrefix('client'),
    WARDEN_LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
  };
  const apps: Record<string, { process: AppProcess; url: string }> = {};
  let live: LiveWarden;

  async function start(app: string): Promise<void> {
    const port = await freePort();
    const process = spawnApp(app, { ...env, PORT: String(port) });
    const url = `http://127.0.0.1:${port}`;
    await waitUntilReady(process, url);
    apps[app] = { process, url };
  }

  async function stop(app: string): Promise<void> {
    apps[app]!.process.child.kill('SIGTERM');
    await apps[app]!.process.exited();
  }

  beforeAll(async () => {
    // The engine first: it migrates the schema the others read.
    await start('ban-engine');
    await Promise.all([start('gateway-api'), start('audit')]);
    const proxy = await new CuttableProxy(apps['gateway-api']!.url).listen();
    live = { proxy, key: KEY, adminUrl: () => apps.audit!.url };
  }, 180_000);

  afterAll(async () => {
    await live?.proxy.close();
    await Promise.all(Object.keys(apps).map(stop));
  });

  scenarios(() => live);

  it('resumes from its Last-Event-ID after gateway-api restarts, with decisions made while it was away', async () => {
    const counters = await resumesAcrossRestart(live, async (whileAway) => {
      live.proxy.cut();
      await stop('gateway-api');
      await start('gateway-api');
      live.proxy.upstream = apps['gateway-api']!.url;
      await whileAway();
      live.proxy.mend();
    });
    // Kafka keeps its offsets: the client took up where it left, with no full replay.
    expect(counters.resyncs).toBe(0);
    expect(counters.connects).toBeGreaterThanOrEqual(2);
  }, 180_000);
});
