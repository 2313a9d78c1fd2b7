import { defineConfig } from 'prisma/config';

// Prisma's CLI reads this file. Warden applies its SQL migrations itself at start
// (libs/persistence/src/migrator.ts); `prisma migrate deploy` agrees with it where
// Prisma's schema engine is installed.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/warden' },
});
