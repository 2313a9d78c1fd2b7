import { createServer, type RequestListener } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { POLICY_BACKTEST_PATH, POLICY_YAML_CONTENT_TYPES } from '#warden/contracts';
import { createNestApplication, type AppContext, type HttpServing } from '#warden/runtime';
import { answerClientError, answerRouterError, MAX_PATH_PARAM_LENGTH, refuseNulInUrl } from './edge-errors.js';
import { FastRoutes } from './fast-routes.js';
import { HttpKitModule } from './http-kit.module.js';
import { recordRoutes } from './known-routes.js';

/**
 * How an app with Warden's HTTP API serves it (the `http` of its AppDefinition): JSON bodies only
 * (anything else is a 415), the body limit of `WARDEN_MAX_BODY_BYTES`, the {@link FastRoutes}
 * answered before Fastify, the API-key guard and problem+json errors ({@link HttpKitModule}). What
 * fails before a route (a NUL in the URL, bad encoding, an unknown method, too large headers) is a
 * problem too (see edge-errors).
 */
export function apiHttp(context: AppContext): HttpServing {
  const fastRoutes = new FastRoutes(context.observer);
  return {
    modules: [HttpKitModule.forRoot(fastRoutes)],
    create: (root) =>
      createNestApplication(root, context, {
        adapter: {
          bodyLimit: context.config.maxBodyBytes,
          routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
          frameworkErrors: answerRouterError,
          clientErrorHandler: answerClientError,
          serverFactory: (handler: RequestListener) =>
            createServer((request, response) => refuseNulInUrl(request, response) || fastRoutes.handle(request, response) || handler(request, response)),
        },
        configure: (instance) => {
          // Fastify would read text/plain bodies as strings; Warden accepts JSON and nothing else.
          instance.removeContentTypeParser('text/plain');
          acceptYamlPolicies(instance);
          fastRoutes.attach(recordRoutes(instance));
        },
      }),
  };
}

/**
 * A policy file may be sent as YAML to the one endpoint that takes one (`POST /v1/policy/backtest`):
 * the body arrives as text. Everywhere else a YAML body is a 415, as any body but JSON.
 */
function acceptYamlPolicies(instance: FastifyInstance): void {
  instance.addContentTypeParser([...POLICY_YAML_CONTENT_TYPES], { parseAs: 'string' }, (request, body, done) => {
    if (request.url.split('?')[0] === POLICY_BACKTEST_PATH) return done(null, body);
    done(Object.assign(new Error('unsupported media type'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }), undefined);
  });
}
