import { KnownRoutes } from './known-routes.js';

describe('KnownRoutes', () => {
  const routes = new KnownRoutes();
  routes.add('/v1/check', ['GET', 'HEAD']);
  routes.add('/v1/check/*', ['GET', 'HEAD']);
  routes.add('/v1/attempts', 'POST');
  routes.add('/v1/bans/:subject/explain', 'GET');

  it('names the methods of a known path, parameters and wildcards included', () => {
    expect(routes.allowedMethods('/v1/attempts')).toEqual(['POST']);
    expect(routes.allowedMethods('/v1/check')).toEqual(['GET', 'HEAD']);
    expect(routes.allowedMethods('/v1/check/login/form')).toEqual(['GET', 'HEAD']);
    expect(routes.allowedMethods('/v1/bans/ip%3A1.2.3.4/explain')).toEqual(['GET']);
  });

  it('knows nothing of other paths', () => {
    expect(routes.allowedMethods('/v1/nothing')).toEqual([]);
    expect(routes.allowedMethods('/v1/bans/a/b/explain')).toEqual([]);
    // Fastify's router does not ignore a trailing slash, so neither does the 405.
    expect(routes.allowedMethods('/v1/attempts/')).toEqual([]);
    expect(routes.allowedMethods('/v1/bans/ip%3A1.2.3.4/explain/')).toEqual([]);
  });
});
