import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Registry } from 'prom-client';
import { WARDEN_CONFIG, type WardenConfig } from './config/warden-config.js';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { ReadinessRegistry } from './readiness.js';

const APP_NAME = 'WARDEN_APP_NAME';

/**
 * What every Warden app shares, whatever it serves: its validated config, its metrics registry,
 * its readiness checks, `/health/live`, `/health/ready` and `/metrics`, and the lines saying it
 * started and stopped.
 */
@Global()
@Module({})
export class RuntimeModule implements OnApplicationShutdown {
  private readonly logger = new Logger('warden');

  constructor(@Inject(APP_NAME) private readonly app: string) {}

  announce(message: string): void {
    this.logger.log(message);
  }

  /** Runs last: this module is imported first, and Nest stops modules in reverse order. */
  onApplicationShutdown(): void {
    this.logger.log(`${this.app} stopped`);
  }

  static forRoot(app: string, config: WardenConfig, registry: Registry): DynamicModule {
    return {
      module: RuntimeModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: WARDEN_CONFIG, useValue: config },
        { provide: APP_NAME, useValue: app },
        { provide: Registry, useValue: registry },
        ReadinessRegistry,
      ],
      exports: [WARDEN_CONFIG, Registry, ReadinessRegistry],
    };
  }
}
