import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * Gauges prom-client names like counters (`_total`), which `promtool check metrics` refuses; each
 * is the sum of the one without the suffix (`nodejs_active_handles`, by type), which stays.
 */
const MISNAMED_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** One Prometheus registry per app, with the process metrics prom-client collects. */
export function createMetricsRegistry(app: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name);
  return registry;
}
