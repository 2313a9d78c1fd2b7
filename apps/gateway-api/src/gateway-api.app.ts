import { ApiDocsModule, apiHttp } from '#warden/http-kit';
import { MessagingModule } from '#warden/kafka';
import type { AppDefinition } from '#warden/runtime';
import { GatewayApiModule } from './gateway-api.module.js';

export const gatewayApiApp: AppDefinition = {
  name: 'gateway-api',
  imports: [MessagingModule, GatewayApiModule, ApiDocsModule],
  needs: { kafka: true, apiKeys: true },
  http: apiHttp,
};
