import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { HTTP_METHODS, readOpenApiDocument, FastRoutes } from '#warden/http-kit';
import { loadConfig, createApp, listen } from '#warden/runtime';
import { SCOPES } from '#warden/contracts';
import { wardenApp } from '../../apps/warden/src/warden.app.js';

/** More methods than any endpoint lists one by one: the route was registered for all of them. */
const ANY_METHOD_THRESHOLD = 10;

/** One key per scope, named after it. */
const keyOf = (scope: string) => `key-${scope.replace(':', '-')}-0001`;
const API_KEYS = SCOPES.map((scope) => `${scope.replace(':', '-')}:${keyOf(scope)}:${scope}`).join(';');

/** docs/openapi.yaml against the all-in-one `warden` app: the routes it serves and the scope each needs. */
describe('the OpenAPI document and the routes of warden', () => {
  const { document } = readOpenApiDocument();
  const methodsByUrl = new Map<string, Set<string>>();
  let app: NestFastifyApplication;
  let url: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-e2e-routes-'));

  beforeAll(async () => {
    // The in-process bus: the routes are the same as on Kafka, and no topic has to be created. Its logs go to a folder of this test.
    const config = loadConfig({ ...process.env, KAFKA_BROKERS: '', WARDEN_DATA_DIR: dataDir, WARDEN_API_KEYS: API_KEYS, PORT: '0', HOST: '127.0.0.1' });
    app = await createApp(wardenApp({ embeddedPostgres: false, inProcessBus: true }), config);
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onRoute', (route) => {
        const methods = methodsByUrl.get(route.url) ?? new Set<string>();
        [route.method].flat().forEach((method) => methods.add(method));
        methodsByUrl.set(route.url, methods);
      });
    url = (await listen(app, config)).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('documents every route warden registers, and nothing it does not', () => {
    // A route for every method (Nest's @All) is one "ANY" route; HEAD and OPTIONS come with others.
    const registered = [...methodsByUrl].flatMap(([path, methods]) =>
      methods.size >= ANY_METHOD_THRESHOLD
        ? [`ANY ${path}`]
        : [...methods].filter((method) => method !== 'HEAD' && method !== 'OPTIONS').map((method) => `${method} ${path}`),
    );
    // Routes answered before Fastify (the gateway's check) are registered with FastRoutes instead.
    registered.push(...app.get(FastRoutes).paths().map((path) => `GET ${path}`));
    const documented = Object.entries(document.paths).flatMap(([path, item]) => {
      // `x-any-method` marks a path item served under any trailing path, with any method.
      if ((item as { 'x-any-method'?: boolean })['x-any-method']) return [`ANY ${path.replace(/\{\w+\}$/, '*')}`];
      return HTTP_METHODS.filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
    });
    expect(registered.sort()).toEqual(documented.sort());
  });

  it('needs the scope each operation documents: 403 with any other, past the guard with it', async () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      HTTP_METHODS.filter((method) => item[method]?.security?.length).map((method) => ({
        method: method.toUpperCase(),
        path: path.replace('{subject}', encodeURIComponent('ip:192.0.2.1')).replace('{forwardedPath}', 'app/login'),
        scope: Object.values(item[method]!.security![0]!)[0]![0]!,
      })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(10);
    const statusWith = async (method: string, path: string, scope: string) => {
      const abort = new AbortController();
      const response = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${keyOf(scope)}` }, signal: abort.signal });
      abort.abort(); // a stream (SSE, export) need not be read to its end
      return response.status;
    };
    const answers = [];
    for (const { method, path, scope } of operations) {
      const other = SCOPES.find((each) => each !== scope)!;
      answers.push({ operation: `${method} ${path}`, scope, withOther: await statusWith(method, path, other), withScope: await statusWith(method, path, scope) });
    }
    expect(answers.filter((answer) => answer.withOther !== 403 || [401, 403].includes(answer.withScope))).toEqual([]);
  });
});
