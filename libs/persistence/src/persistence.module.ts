import { Global, Inject, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { WARDEN_CONFIG, type WardenConfig, ReadinessRegistry } from '#warden/runtime';
import { Database } from './database.js';
import { migrate } from './migrator.js';
import { IncidentStatsRepository } from './audit-log/incident-stats.repository.js';
import { AuditLogRepository } from './audit-log/audit-log.repository.js';
import { BansRepository } from './bans/bans.repository.js';
import { LoginAttemptsRepository } from './login-attempts/login-attempts.repository.js';
import { StageCheckpointsRepository } from './engine-checkpoints/stage-checkpoints.repository.js';

/** Postgres for the apps that store things: the pool, migrations applied at start, repositories. */
@Global()
@Module({
  providers: [
    {
      provide: Database,
      inject: [WARDEN_CONFIG],
      useFactory: (config: WardenConfig) => {
        if (!config.databaseUrl) throw new Error('DATABASE_URL: required');
        return new Database(config.databaseUrl, config.dbPoolSize);
      },
    },
    AuditLogRepository,
    BansRepository,
    IncidentStatsRepository,
    LoginAttemptsRepository,
    StageCheckpointsRepository,
  ],
  exports: [Database, AuditLogRepository, BansRepository, IncidentStatsRepository, LoginAttemptsRepository, StageCheckpointsRepository],
})
export class PersistenceModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PersistenceModule.name);

  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(ReadinessRegistry) private readonly readiness: ReadinessRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    this.readiness.register('postgres', () => this.database.isHealthy());
    const report = await migrate(this.database.pool, undefined, (line) => this.logger.log(line));
    this.logger.log({ msg: 'database schema is current', applied: report.applied.length });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}
