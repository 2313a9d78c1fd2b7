import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { ClientAddressResolver } from './client-address.js';
import { FastRoutes } from './fast-routes.js';
import { ProblemDetailsFilter } from './problem-details.filter.js';

/** What every app with Warden's HTTP API shares: problem+json errors, the API-key guard, who the client is (trusted proxies), the fast routes. */
@Global()
@Module({})
export class HttpKitModule {
  static forRoot(fastRoutes: FastRoutes): DynamicModule {
    return {
      module: HttpKitModule,
      providers: [
        ClientAddressResolver,
        ApiKeyAuthenticator,
        { provide: FastRoutes, useValue: fastRoutes },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
      exports: [ClientAddressResolver, ApiKeyAuthenticator, FastRoutes],
    };
  }
}
