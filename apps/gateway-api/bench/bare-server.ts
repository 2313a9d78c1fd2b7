/**
 * The baseline of `npm run bench:check`: a bare Fastify server answering 204 on the same path, in
 * its own process like the gateway. Sends its port to the parent process.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/v1/check', (_request, reply) => {
  void reply.code(204).send();
});
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
