import { dropDatabase } from './postgres.js';

export default async function globalTeardown(): Promise<void> {
  if (process.env.DATABASE_URL) await dropDatabase(process.env.DATABASE_URL);
  await globalThis.wardenBroker?.stop();
}
