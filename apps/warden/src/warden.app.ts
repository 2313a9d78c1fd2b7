import { AuditModule } from '../../audit/src/audit.module.js';
import { BanEngineModule } from '../../ban-engine/src/ban-engine.module.js';
import { GatewayApiModule } from '../../gateway-api/src/gateway-api.module.js';
import { MessagingModule } from '#warden/kafka';
import type { AppDefinition } from '#warden/http-kit';
import { PersistenceModule } from '#warden/persistence';

/**
 * All of Warden in one process. With KAFKA_BROKERS and DATABASE_URL it runs the three apps'
 * modules against them; the embedded default (no settings) is not built yet.
 */
export const wardenApp: AppDefinition = {
  name: 'warden',
  imports: [MessagingModule, PersistenceModule, GatewayApiModule, BanEngineModule, AuditModule],
  needs: { kafka: true, database: true, apiKeys: true },
};
