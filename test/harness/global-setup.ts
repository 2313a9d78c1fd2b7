/**
 * Integration tests run against real infrastructure: a Kafka broker (KAFKA_BROKERS, else one this
 * setup starts from Maven Central) and a Postgres database this run creates and drops afterwards.
 */
import { BrokerUnavailableError, missingBrokerTools, startBroker, type RunningBroker } from '../../scripts/kafka-broker.js';
import { createDatabase, serverUrl } from './postgres.js';

declare global {
  var wardenBroker: RunningBroker | undefined;
}

export default async function globalSetup(): Promise<void> {
  const say = (line: string) => process.stderr.write(`[test harness] ${line}\n`);
  process.env.WARDEN_TEST_SERVER_URL = serverUrl();
  process.env.DATABASE_URL = await createDatabase();
  say(`created database ${new URL(process.env.DATABASE_URL).pathname.slice(1)}`);

  if (process.env.KAFKA_BROKERS) {
    say(`using the Kafka broker at ${process.env.KAFKA_BROKERS}`);
  } else {
    const missing = missingBrokerTools();
    if (missing) throw new BrokerUnavailableError(missing);
    globalThis.wardenBroker = await startBroker(say);
    process.env.KAFKA_BROKERS = globalThis.wardenBroker.brokers;
    say(`Kafka is ready at ${process.env.KAFKA_BROKERS} (log: ${globalThis.wardenBroker.logFile})`);
  }
  process.env.WARDEN_LOG_LEVEL ??= 'warn';
}
