import type { FastifyInstance } from 'fastify';

/**
 * The paths an app serves and the methods of each, so that a known path asked with another method
 * is answered 405 with `Allow` (DESIGN §5) instead of Fastify's 404.
 */
export class KnownRoutes {
  private readonly routes: Array<{ pattern: RegExp; methods: Set<string> }> = [];
  private readonly byPath = new Map<string, Set<string>>();

  add(path: string, methods: string | readonly string[]): void {
    let known = this.byPath.get(path);
    if (!known) {
      known = new Set();
      this.byPath.set(path, known);
      this.routes.push({ pattern: KnownRoutes.patternOf(path), methods: known });
    }
    for (const method of typeof methods === 'string' ? [methods] : methods) known.add(method.toUpperCase());
  }

  /** The methods served at this request path (no query), sorted; empty when the path is unknown. */
  allowedMethods(path: string): string[] {
    const allowed = new Set<string>();
    for (const route of this.routes) {
      if (route.pattern.test(path)) route.methods.forEach((method) => allowed.add(method));
    }
    return [...allowed].sort();
  }

  /**
   * `/v1/bans/:subject/explain` → one segment per parameter; `*` → the rest of the path. Exact, as
   * Fastify's router is: `/v1/status/` is not `/v1/status` (a 404 there, not a 405 naming GET).
   */
  private static patternOf(path: string): RegExp {
    const escaped = path
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    return new RegExp(`^${escaped}$`);
  }
}

const ROUTES = new WeakMap<FastifyInstance, KnownRoutes>();

/** Starts recording the routes of a Fastify instance (before any route is added). */
export function recordRoutes(instance: FastifyInstance): KnownRoutes {
  const routes = new KnownRoutes();
  ROUTES.set(instance, routes);
  instance.addHook('onRoute', (route) => routes.add(route.url, route.method));
  return routes;
}

export function knownRoutesOf(instance: FastifyInstance): KnownRoutes | undefined {
  return ROUTES.get(instance);
}
