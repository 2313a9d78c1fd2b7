/**
 * `npm run kafka:local`: a real Kafka broker for development, without Docker.
 * Prints the KAFKA_BROKERS value to use and runs until Ctrl-C.
 */
import { startBroker } from './kafka-broker.js';

const broker = await startBroker((line) => console.log(line));
console.log(`Kafka is ready. In another shell: export KAFKA_BROKERS=${broker.brokers}`);
console.log(`Broker log: ${broker.logFile}. Ctrl-C stops it and deletes its data.`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log('stopping Kafka…');
    void broker.stop().then(() => process.exit(0));
  });
}
