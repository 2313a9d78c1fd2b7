import { Command } from '@nestjs/cqrs';

/** Ends the bans whose time is over at `now`, at most `limit` of them; resolves to how many. */
export class ExpireBansCommand extends Command<number> {
  constructor(
    readonly now: Date,
    readonly limit: number,
  ) {
    super();
  }
}
