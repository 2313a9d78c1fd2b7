import { Command } from '@nestjs/cqrs';
import type { AdminCommandRecord } from '#warden/contracts';

/** A manual ban or unban from `auth.admin-commands`, carried out by the single writer of bans. */
export class ApplyAdminCommandCommand extends Command<void> {
  constructor(readonly command: AdminCommandRecord) {
    super();
  }
}
