import { Module } from '@nestjs/common';

/**
 * The security team's half: the incident consumer and its HTTP API arrive with the audit issue;
 * for now the app runs with its health and metrics endpoints on Kafka and Postgres.
 */
@Module({})
export class AuditModule {}
