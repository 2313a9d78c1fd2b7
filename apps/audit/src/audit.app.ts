import { apiHttp } from '#warden/http-kit';
import { MessagingModule } from '#warden/kafka';
import type { AppDefinition } from '#warden/runtime';
import { PersistenceModule } from '#warden/persistence';
import { AuditModule } from './audit.module.js';

export const auditApp: AppDefinition = {
  name: 'audit',
  imports: [MessagingModule, PersistenceModule, AuditModule],
  needs: { kafka: true, database: true, apiKeys: true },
  http: apiHttp,
};
