import { existsSync } from 'node:fs';
import { EmbeddedPostgresError } from './embedded-postgres.error.js';
import { postgresBinary } from './platform-binaries.js';

describe('postgresBinary', () => {
  it('finds the postgres binary embedded-postgres installed for this machine', async () => {
    expect(existsSync(await postgresBinary())).toBe(true);
  });

  it('on a platform with no embedded binary, says to set DATABASE_URL', async () => {
    const found = postgresBinary('plan9-mips');
    await expect(found).rejects.toThrow(EmbeddedPostgresError);
    await expect(found).rejects.toThrow(/no embedded PostgreSQL for plan9-mips .*set DATABASE_URL/);
  });
});
