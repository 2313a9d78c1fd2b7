import { ApiDocsModule } from '#warden/api-docs';
import { MessagingModule } from '#warden/kafka';
import type { AppDefinition } from '#warden/http-kit';
import { GatewayApiModule } from './gateway-api.module.js';

export const gatewayApiApp: AppDefinition = {
  name: 'gateway-api',
  imports: [MessagingModule, GatewayApiModule, ApiDocsModule],
  needs: { kafka: true, apiKeys: true },
};
