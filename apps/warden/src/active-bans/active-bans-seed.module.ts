import { Module } from '@nestjs/common';
import { ActiveBansSeeder } from './active-bans.seeder.js';

/** For the in-process bus only: fills a new `auth.ban-decisions` log from Postgres at start. */
@Module({ providers: [ActiveBansSeeder] })
export class ActiveBansSeedModule {}
