import { Module } from '@nestjs/common';
import { ApiDocsModule } from '#warden/http-kit';
import { ConsoleHttpController } from './console/console.http.controller.js';
import { AuditLog } from './audit-log/audit-log.js';
import { PolicyBacktestHttpController } from './backtest/policy-backtest.http.controller.js';
import { PolicyBacktestService } from './backtest/policy-backtest.service.js';
import { ExplainBanHttpController } from './explain/explain-ban.http.controller.js';
import { ExplainBanService } from './explain/explain-ban.service.js';
import { ExportIncidentsHttpController } from './export/export-incidents.http.controller.js';
import { ExportIncidentsService } from './export/export-incidents.service.js';
import { SearchIncidentsHttpController } from './incidents/search-incidents.http.controller.js';
import { SearchIncidentsService } from './incidents/search-incidents.service.js';
import { ManualBansHttpController } from './manual-bans/manual-bans.http.controller.js';
import { ManualBansService } from './manual-bans/manual-bans.service.js';
import { ListBansHttpController } from './list-bans/list-bans.http.controller.js';
import { ListBansService } from './list-bans/list-bans.service.js';
import { IncidentsConsumer } from './record-incidents/incidents.consumer.js';
import { StatsHttpController } from './stats/stats.http.controller.js';
import { StatsService } from './stats/stats.service.js';
import { VerifyAuditLogHttpController } from './verify/verify-audit-log.http.controller.js';
import { VerifyAuditLogService } from './verify/verify-audit-log.service.js';

/**
 * The security team's half: the incident consumer that keeps the hash-chained audit log, and its
 * HTTP API (search, export, verify, explain, manual bans, bans list, stats) and the web console at /ui. Needs MessagingModule,
 * PersistenceModule and the HTTP API setup (apiHttp of libs/http-kit); self-contained otherwise, so `warden` imports it too.
 */
@Module({
  imports: [ApiDocsModule],
  controllers: [
    SearchIncidentsHttpController,
    ExportIncidentsHttpController,
    VerifyAuditLogHttpController,
    ExplainBanHttpController,
    ManualBansHttpController,
    ListBansHttpController,
    StatsHttpController,
    ConsoleHttpController,
    PolicyBacktestHttpController,
  ],
  providers: [
    AuditLog,
    IncidentsConsumer,
    SearchIncidentsService,
    ExportIncidentsService,
    VerifyAuditLogService,
    ExplainBanService,
    ManualBansService,
    ListBansService,
    StatsService,
    PolicyBacktestService,
  ],
})
export class AuditModule {}
