import { createServer } from 'node:net';

/** The machine's own PostgreSQL usually listens here; the embedded one never takes it. */
const SYSTEM_POSTGRES_PORT = 5432;

function portTheKernelOffers(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** A loopback port free right now (another process may still take it before PostgreSQL binds it). */
export async function freeLoopbackPort(): Promise<number> {
  for (;;) {
    const port = await portTheKernelOffers();
    if (port !== SYSTEM_POSTGRES_PORT) return port;
  }
}
