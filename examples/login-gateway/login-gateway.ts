/**
 * An example gateway: a Fastify login route guarded by the Warden client library. Each login is
 * checked from the client's local cache (no round trip to Warden): a banned caller gets 429 with
 * Retry-After or 401 before its password is looked at; the outcome of every login it let through
 * is reported, in batches.
 *
 *   WARDEN_URL=http://127.0.0.1:3000 WARDEN_API_KEY=… node --experimental-strip-types login-gateway.ts
 */
import { pathToFileURL } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { gateDecisionOf, WardenClient } from '#warden/client';
import { wardenPreHandler } from '#warden/client/fastify';

export interface LoginGatewayOptions {
  readonly wardenUrl: string;
  readonly apiKey: string;
  /** username → password; a real server checks a password hash. */
  readonly users: Readonly<Record<string, string>>;
  readonly port?: number;
  readonly trustedProxies?: readonly string[];
}

export interface LoginGateway {
  readonly url: string;
  readonly client: WardenClient;
  close(): Promise<void>;
}

interface LoginBody {
  readonly username: string;
  readonly password: string;
}

export async function startLoginGateway(options: LoginGatewayOptions): Promise<LoginGateway> {
  const client = new WardenClient({ url: options.wardenUrl, apiKey: options.apiKey, onUnavailable: 'remote' }).start();
  await client.ready();
  const app: FastifyInstance = Fastify();
  const checkLogin = wardenPreHandler({
    client,
    trustedProxies: options.trustedProxies,
    credentialsOf: (request) => ({ account: (request.body as Partial<LoginBody> | undefined)?.username }),
  });

  app.post<{ Body: LoginBody }>(
    '/login',
    {
      preHandler: checkLogin,
      schema: { body: { type: 'object', required: ['username', 'password'], properties: { username: { type: 'string', minLength: 1 }, password: { type: 'string' } } } },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const ok = options.users[username] === password;
      // The address the check judged (trusted proxies resolved), so the report names the same one.
      const { ip } = gateDecisionOf(request)!;
      void client.report({ outcome: ok ? 'success' : 'failure', ip, account: username, endpoint: '/login' });
      return ok ? { welcome: username } : reply.code(401).send({ error: 'wrong username or password' });
    },
  );
  app.get('/health', async () => client.state());

  const url = await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  return {
    url,
    client,
    async close() {
      await app.close();
      await client.close();
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const gateway = await startLoginGateway({
    wardenUrl: process.env.WARDEN_URL ?? 'http://127.0.0.1:3000',
    apiKey: process.env.WARDEN_API_KEY ?? '',
    users: { alice: 'correct horse battery staple' },
    port: Number(process.env.PORT ?? 8080),
  });
  process.stdout.write(`login gateway on ${gateway.url} (POST /login {"username","password"})\n`);
  process.once('SIGINT', () => void gateway.close());
}
