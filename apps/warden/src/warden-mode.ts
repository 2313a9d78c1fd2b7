import { ConfigError, requireDistributedSettings, type WardenConfig } from '#warden/runtime';

/**
 * How `warden` runs, from which of `KAFKA_BROKERS` and `DATABASE_URL` are set:
 *
 * | KAFKA_BROKERS | DATABASE_URL | Postgres              | bus        | WARDEN_API_KEYS unset    |
 * |---------------|--------------|-----------------------|------------|--------------------------|
 * | –             | –            | embedded, data folder | in-process | one key, kept in the folder |
 * | –             | set          | that server           | in-process | one key, kept in the folder |
 * | set           | set          | that server           | Kafka      | refused (distributed)    |
 * | set           | –            | refused               |            |                          |
 *
 * Kafka without `DATABASE_URL` is refused: on Kafka other instances (a separate ban engine, a
 * second warden) share the consumer group and the topics, and each would decide bans against its
 * own private database, so the bans would split and a partition moving between instances would
 * lose its history. A real Postgres with the in-process bus is sound: one process, durable bans.
 */
export interface WardenMode {
  /** Start the embedded PostgreSQL server of the data folder (no `DATABASE_URL`). */
  readonly embeddedPostgres: boolean;
  /** The in-process bus stands in for Kafka (no `KAFKA_BROKERS`): everything runs in this process. */
  readonly inProcessBus: boolean;
}

export function wardenModeOf(config: WardenConfig): WardenMode {
  if (config.kafka) {
    if (!config.databaseUrl) {
      throw new ConfigError([
        'DATABASE_URL: required when KAFKA_BROKERS is set (instances sharing Kafka must share one Postgres); unset KAFKA_BROKERS to run embedded',
      ]);
    }
    requireDistributedSettings(config, { kafka: true, database: true, apiKeys: true });
    return { embeddedPostgres: false, inProcessBus: false };
  }
  return { embeddedPostgres: !config.databaseUrl, inProcessBus: true };
}
