import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { Registry } from 'prom-client';
import { WARDEN_CONFIG, type WardenConfig } from '#warden/config';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { FastRoutes } from './fast-routes.js';
import { ClientAddressResolver } from './client-address.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { ProblemDetailsFilter } from './problem-details.filter.js';
import { ProblemPagesController } from './problem-pages.controller.js';
import { ReadinessRegistry } from './readiness.js';

/**
 * What every Warden HTTP app shares: its config, problem+json errors, the API-key guard, who the
 * client is (trusted proxies), `/health/live`, `/health/ready`, `/metrics` and the `/problems` pages.
 */
const APP_NAME = 'WARDEN_APP_NAME';

@Global()
@Module({})
export class HttpKitModule implements OnApplicationShutdown {
  private readonly logger = new Logger('warden');

  constructor(@Inject(APP_NAME) private readonly app: string) {}

  announce(message: string): void {
    this.logger.log(message);
  }

  /** Runs last: this module is imported first, and Nest stops modules in reverse order. */
  onApplicationShutdown(): void {
    this.logger.log(`${this.app} stopped`);
  }

  static forRoot(app: string, config: WardenConfig, { fastRoutes, registry }: { fastRoutes: FastRoutes; registry: Registry }): DynamicModule {
    return {
      module: HttpKitModule,
      controllers: [HealthController, MetricsController, ProblemPagesController],
      providers: [
        { provide: WARDEN_CONFIG, useValue: config },
        { provide: APP_NAME, useValue: app },
        { provide: Registry, useValue: registry },
        ReadinessRegistry,
        ClientAddressResolver,
        ApiKeyAuthenticator,
        { provide: ConcurrencyLimiter, useFactory: (settings: WardenConfig) => new ConcurrencyLimiter(settings.heavyRequestsPerKey), inject: [WARDEN_CONFIG] },
        { provide: FastRoutes, useValue: fastRoutes },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
      exports: [WARDEN_CONFIG, Registry, ReadinessRegistry, ClientAddressResolver, ApiKeyAuthenticator, ConcurrencyLimiter, FastRoutes],
    };
  }
}
