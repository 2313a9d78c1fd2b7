import { AuditModule } from '../../audit/src/audit.module.js';
import { BanEngineModule } from '../../ban-engine/src/ban-engine.module.js';
import { GatewayApiModule } from '../../gateway-api/src/gateway-api.module.js';
import { apiHttp } from '#warden/http-kit';
import { MessagingModule } from '#warden/kafka';
import type { AppDefinition } from '#warden/runtime';
import { PersistenceModule } from '#warden/persistence';
import { ActiveBansSeedModule } from './active-bans/active-bans-seed.module.js';
import type { WardenMode } from './warden-mode.js';

/**
 * All of Warden in one process: the gateway API, the ban engine and the audit modules, on Kafka or
 * on the in-process bus (whose decisions log, when new, gets the active bans from Postgres at start).
 */
export function wardenApp(mode: WardenMode): AppDefinition {
  return {
    name: 'warden',
    imports: [MessagingModule, PersistenceModule, GatewayApiModule, BanEngineModule, AuditModule, ...(mode.inProcessBus ? [ActiveBansSeedModule] : [])],
    needs: { kafka: !mode.inProcessBus, database: true, apiKeys: !mode.inProcessBus },
    http: apiHttp,
  };
}
