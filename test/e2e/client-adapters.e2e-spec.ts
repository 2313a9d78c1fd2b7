import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, HttpCode, Module, Post, Req, UseGuards, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import express from 'express';
import Fastify from 'fastify';
import { gateDecisionOf, type LoginGateOptions, type WardenClient } from '#warden/client';
import { wardenExpress } from '#warden/client/express';
import { wardenFastifyPlugin } from '#warden/client/fastify';
import { WARDEN_GATE_OPTIONS, WardenGuard } from '#warden/client/nest';
import { keptApiKey, startWardenProcess, type WardenProcess } from '../harness/embedded-warden.js';
import { banByAttempts, cacheAnswers, CuttableProxy, freshAccount, freshIp, manualBan, startClient, type LiveWarden } from './client-scenarios.js';

/** A login server with the adapter in front of `POST /login`: 200 `{ ip }` (the address the gate judged) when let through. */
interface LoginServer {
  readonly url: string;
  close(): Promise<void>;
}

type GateOptions = Omit<LoginGateOptions<object>, 'credentialsOf'>;
const usernameOf = (request: object) => ({ account: (request as { body?: { username?: string } }).body?.username });
const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as { port: number }).port}`;

async function expressServer(options: GateOptions): Promise<LoginServer> {
  const app = express();
  app.post('/login', express.json(), wardenExpress({ ...options, credentialsOf: usernameOf }), (req, res) => {
    res.json({ ip: gateDecisionOf(req)?.ip });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: urlOf(server), close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function fastifyPluginServer(options: GateOptions): Promise<LoginServer> {
  const app = Fastify();
  await app.register(wardenFastifyPlugin, { ...options, credentialsOf: usernameOf });
  app.post('/login', async (request) => ({ ip: gateDecisionOf(request)?.ip }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

@Controller()
class LoginController {
  @Post('login')
  @HttpCode(200)
  @UseGuards(WardenGuard)
  login(@Req() request: object) {
    return { ip: gateDecisionOf(request)?.ip };
  }
}

async function nestServer(options: GateOptions, platform: 'express' | 'fastify'): Promise<LoginServer> {
  @Module({ controllers: [LoginController], providers: [{ provide: WARDEN_GATE_OPTIONS, useValue: { ...options, credentialsOf: usernameOf } }, WardenGuard] })
  class LoginModule {}
  const app: INestApplication = await NestFactory.create(LoginModule, platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  return { url: urlOf(app.getHttpServer() as Server), close: () => app.close() };
}

const frameworks: ReadonlyArray<readonly [string, (options: GateOptions) => Promise<LoginServer>]> = [
  ['Express middleware', expressServer],
  ['Nest guard on Express', (options) => nestServer(options, 'express')],
  ['Nest guard on Fastify', (options) => nestServer(options, 'fastify')],
  ['Fastify plugin', fastifyPluginServer],
];

interface Answer {
  readonly status: number;
  readonly retryAfter: number | null;
  readonly contentType: string | null;
  readonly body: { ip?: string; status?: number };
}

async function login(server: LoginServer, headers: Record<string, string>, username?: string): Promise<Answer> {
  const response = await fetch(`${server.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username, password: 'pw' }),
  });
  const retryAfter = response.headers.get('retry-after');
  return { status: response.status, retryAfter: retryAfter === null ? null : Number(retryAfter), contentType: response.headers.get('content-type'), body: (await response.json()) as Answer['body'] };
}

/**
 * The Express middleware, the Nest guard (both platforms) and the Fastify plugin in front of a
 * login route, with a client following a running Warden (the embedded one, trusting 127.0.0.1 as a
 * proxy). Each answers as Warden's own `/v1/check` answers for the same peer and headers.
 */
describe('gateway library adapters against a running Warden', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-e2e-adapters-'));
  let warden: WardenProcess;
  let live: LiveWarden;
  let client: WardenClient;
  const visible = freshIp();
  const invisible = { ip: freshIp(), account: freshAccount('mallory') };
  const clean = freshIp();

  beforeAll(async () => {
    warden = await startWardenProcess({ WARDEN_DATA_DIR: dataDir, WARDEN_TRUSTED_PROXIES: '127.0.0.1' });
    const proxy = await new CuttableProxy(warden.url).listen();
    live = { proxy, key: keptApiKey(dataDir), adminUrl: () => warden.url };
    client = startClient(live, { onUnavailable: 'closed' });
    await client.ready();
    await manualBan(live, { ip: visible }, 900);
    await banByAttempts(client, invisible.ip, invisible.account);
    await cacheAnswers(client, { ip: visible }, 429);
    await cacheAnswers(client, invisible, 401);
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await live?.proxy.close();
    warden?.process.child.kill('SIGTERM');
    await warden?.process.exited();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Warden's `GET /v1/check` for a request from this process (127.0.0.1) with these headers: who it judges is up to Warden. */
  async function wardenCheck(headers: Record<string, string>, account?: string): Promise<{ status: number; retryAfter: number | null }> {
    const response = await fetch(`${warden.url}/v1/check${account ? `?account=${encodeURIComponent(account)}` : ''}`, {
      headers: { authorization: `Bearer ${live.key}`, ...headers },
    });
    await response.body?.cancel();
    const retryAfter = response.headers.get('retry-after');
    return { status: response.status, retryAfter: retryAfter === null ? null : Number(retryAfter) };
  }

  const cases: ReadonlyArray<{ readonly name: string; readonly headers: () => Record<string, string>; readonly account?: () => string; readonly status: number; readonly ip: () => string }> = [
    { name: 'no forwarding header: the peer', headers: () => ({}), status: 200, ip: () => '127.0.0.1' },
    { name: 'X-Forwarded-For of a visibly banned address: 429', headers: () => ({ 'x-forwarded-for': visible }), status: 429, ip: () => visible },
    { name: 'a trusted hop on the right is skipped', headers: () => ({ 'x-forwarded-for': `${visible}, 127.0.0.1` }), status: 429, ip: () => visible },
    { name: 'the rightmost untrusted address is the client', headers: () => ({ 'x-forwarded-for': `${visible}, ${clean}` }), status: 200, ip: () => clean },
    { name: 'X-Real-IP without X-Forwarded-For', headers: () => ({ 'x-real-ip': visible }), status: 429, ip: () => visible },
    { name: 'a hop that is no address: the peer', headers: () => ({ 'x-forwarded-for': 'not-an-address' }), status: 200, ip: () => '127.0.0.1' },
    { name: 'an invisible ban on the account at the address: 401', headers: () => ({ 'x-forwarded-for': invisible.ip }), account: () => invisible.account, status: 401, ip: () => invisible.ip },
    { name: 'the same address with another account', headers: () => ({ 'x-forwarded-for': invisible.ip }), account: () => freshAccount('trent'), status: 200, ip: () => invisible.ip },
  ];

  describe.each(frameworks)('%s', (_, start) => {
    let trusting: LoginServer;
    let trustingNone: LoginServer;

    beforeAll(async () => {
      trusting = await start({ client, trustedProxies: ['127.0.0.1'] });
      trustingNone = await start({ client });
    });

    afterAll(async () => {
      await trusting?.close();
      await trustingNone?.close();
    });

    it.each(cases)('$name, as /v1/check answers', async ({ headers, account, status, ip }) => {
      const answer = await login(trusting, headers(), account?.());
      const server = await wardenCheck(headers(), account?.());
      expect(answer.status).toBe(status);
      expect(server.status).toBe(status === 200 ? 204 : status);
      if (status === 200) expect(answer.body.ip).toBe(ip());
      else expect(answer.contentType).toMatch(/^application\/problem\+json/);
      if (status === 429) {
        expect(answer.retryAfter).toBeGreaterThan(0);
        expect(Math.abs(answer.retryAfter! - server.retryAfter!)).toBeLessThanOrEqual(1);
        expect(answer.body.status).toBe(429);
      } else expect(answer.retryAfter).toBeNull();
    });

    it('ignores forwarding headers when no proxy is trusted: the peer is the client', async () => {
      const answer = await login(trustingNone, { 'x-forwarded-for': visible, 'x-real-ip': visible });
      expect(answer).toMatchObject({ status: 200, body: { ip: '127.0.0.1' } });
    });
  });
});
