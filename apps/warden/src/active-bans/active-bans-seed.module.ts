import { Module } from '@nestjs/common';
import { ActiveBansSeeder } from './active-bans.seeder.js';

/** For the in-process bus only: refills `auth.ban-decisions` from Postgres at start. */
@Module({ providers: [ActiveBansSeeder] })
export class ActiveBansSeedModule {}
