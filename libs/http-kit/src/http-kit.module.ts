import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { WARDEN_CONFIG, type WardenConfig } from '#warden/runtime';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { ClientAddressResolver } from './client-address.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { FastRoutes } from './fast-routes.js';
import { ProblemDetailsFilter } from './problem-details.filter.js';
import { ProblemPagesController } from './problem-pages.controller.js';

/**
 * What every app with Warden's HTTP API shares: problem+json errors and their `/problems` pages,
 * the API-key guard, who the client is (trusted proxies), the per-key limit of heavy requests,
 * the fast routes.
 */
@Global()
@Module({})
export class HttpKitModule {
  static forRoot(fastRoutes: FastRoutes): DynamicModule {
    return {
      module: HttpKitModule,
      controllers: [ProblemPagesController],
      providers: [
        ClientAddressResolver,
        ApiKeyAuthenticator,
        { provide: ConcurrencyLimiter, useFactory: (settings: WardenConfig) => new ConcurrencyLimiter(settings.heavyRequestsPerKey), inject: [WARDEN_CONFIG] },
        { provide: FastRoutes, useValue: fastRoutes },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
      exports: [ClientAddressResolver, ApiKeyAuthenticator, ConcurrencyLimiter, FastRoutes],
    };
  }
}
