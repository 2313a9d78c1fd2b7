import 'reflect-metadata';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { DEFAULT_POLICY, decide } from '#warden/ban-policy';
import { EscalateBanCommand, ImposeBanCommand } from './ban.commands.js';
import { ThresholdCrossedEvent } from './ban.events.js';
import { EscalateBanHandler, ImposeBanHandler } from './ban-step.handlers.js';
import { banCommandFor, BansSaga } from './bans.saga.js';
import { pairBansWithIncidents, type DecidedBan } from './decided-bans.js';

const T0 = Date.UTC(2026, 10, 23, 12);

/** Five failures of alice from one IP, then a sixth while banned: a ban imposed, then escalated. */
function decidedBans(): DecidedBan[] {
  const attempts = Array.from({ length: 6 }, (_, n) => ({
    id: `00000000-0000-4000-8000-00000000000${n}`,
    occurredAt: T0 + n * 1_000,
    receivedAt: T0 + n * 1_000,
    outcome: 'failure' as const,
    ip: '192.0.2.1',
    account: 'alice',
  }));
  const outcome = decide(new Map(), attempts, DEFAULT_POLICY);
  return pairBansWithIncidents(outcome.decisions, outcome.incidents).bans.filter((ban) => ban.decision.scope === 'account-ip');
}

describe('the bans saga', () => {
  let context: INestApplicationContext | undefined;
  afterEach(async () => context?.close());

  it('maps a first ban to ImposeBan and a ban while banned to EscalateBan, as immutable commands', () => {
    const [imposed, escalated] = decidedBans();
    const first = banCommandFor(new ThresholdCrossedEvent(imposed!.decision, imposed!.incident));
    const second = banCommandFor(new ThresholdCrossedEvent(escalated!.decision, escalated!.incident));
    expect(first).toBeInstanceOf(ImposeBanCommand);
    expect(second).toBeInstanceOf(EscalateBanCommand);
    expect(second.decision.level).toBe(2);
  });

  it('runs a batch of bans through the saga and the command bus, and gives each its records in order', async () => {
    @Module({ imports: [CqrsModule.forRoot()], providers: [BansSaga, ImposeBanHandler, EscalateBanHandler] })
    class SagaTestModule {}
    context = await (await NestFactory.createApplicationContext(SagaTestModule, { logger: false })).init();
    const bans = decidedBans();
    const recorded = await context.get(BansSaga).run(bans);
    expect(recorded.map((ban) => [ban.row.subject, ban.row.level, ban.event.type])).toEqual([
      ['account-ip:alice|192.0.2.1', 1, 'ban_imposed'],
      ['account-ip:alice|192.0.2.1', 2, 'ban_escalated'],
    ]);
    expect(JSON.parse(recorded[1]!.incidentRecord.value as string)).toMatchObject({ type: 'ban_escalated', id: bans[1]!.incident.id });
    expect(await context.get(BansSaga).run([])).toEqual([]);
  });
});
