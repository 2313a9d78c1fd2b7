import { MessagingModule } from '#warden/kafka';
import type { AppDefinition } from '#warden/runtime';
import { PersistenceModule } from '#warden/persistence';
import { BanEngineModule } from './ban-engine.module.js';

export const banEngineApp: AppDefinition = {
  name: 'ban-engine',
  imports: [MessagingModule, PersistenceModule, BanEngineModule],
  needs: { kafka: true, database: true, apiKeys: true },
};
