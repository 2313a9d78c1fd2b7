import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WardenError, WardenHttpError } from '../warden-error.js';
import { WardenHttp } from './warden-http.js';

/** A local HTTP server that gives every request the one answer the test sets. */
describe('WardenHttp', () => {
  let server: Server;
  let answer: { status: number; contentType: string; body: string };
  let http: WardenHttp;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      response.writeHead(answer.status, { 'content-type': answer.contentType });
      response.end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    http = new WardenHttp(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'key');
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const call = { what: 'read incidents', scope: 'audit:read' };

  async function failure(): Promise<WardenHttpError> {
    const error: unknown = await http.json('GET', '/v1/incidents', call).catch((thrown: unknown) => thrown);
    if (!(error instanceof WardenHttpError)) throw new Error(`expected a WardenHttpError, got ${String(error)}`);
    return error;
  }

  it("names a problem+json answer's detail and its fields at fault", async () => {
    answer = {
      status: 400,
      contentType: 'application/problem+json',
      body: JSON.stringify({ title: 'Bad Request', detail: 'the query is not valid', errors: [{ field: 'limit', message: 'must be at most 500' }] }),
    };
    expect((await failure()).message).toBe('Warden could not read incidents: 400 the query is not valid (limit: must be at most 500)');
  });

  it("reads the message of Fastify's own answer, such as its 503 while Warden closes", async () => {
    answer = { status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'Service Unavailable', message: 'Service Unavailable', statusCode: 503 }) };
    const error = await failure();
    expect(error.status).toBe(503);
    expect(error.message).toBe('Warden could not read incidents: 503 Service Unavailable');
  });

  it('gives a body that is no JSON as it is', async () => {
    answer = { status: 502, contentType: 'text/plain', body: 'upstream went away' };
    expect((await failure()).message).toBe('Warden could not read incidents: 502 upstream went away');
  });

  it('says Warden cannot be reached when nothing listens', async () => {
    // A port that was just free: fetch refuses some low ones (port 1) before connecting.
    const vacant = createServer();
    await new Promise<void>((resolve) => vacant.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(vacant.address() as AddressInfo).port}`;
    await new Promise((resolve) => vacant.close(resolve));
    const error: unknown = await new WardenHttp(url, 'key').json('GET', '/v1/incidents', call).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(WardenError);
    expect((error as Error).message).toContain(`Cannot reach Warden at ${url} (ECONNREFUSED).`);
  });
});
