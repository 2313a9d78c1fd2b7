import { Kafka, logLevel, type Consumer } from 'kafkajs';

/** Collects every record of a topic from its start, for tests that check what Warden published. */
export class TopicReader<T> {
  readonly values: T[] = [];
  private consumer?: Consumer;

  /** `onRecord` also sees each record's key. */
  constructor(
    private readonly topic: string,
    private readonly onRecord?: (value: T, key: string | null) => void,
  ) {}

  async start(): Promise<this> {
    const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
    this.consumer = kafka.consumer({ groupId: `reader-${this.topic}-${Math.random().toString(36).slice(2)}` });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const value = JSON.parse(message.value!.toString()) as T;
        this.values.push(value);
        this.onRecord?.(value, message.key?.toString('utf8') ?? null);
      },
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
