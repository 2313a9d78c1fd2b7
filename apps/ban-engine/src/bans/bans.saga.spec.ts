import 'reflect-metadata';
import { Module, type INestApplicationContext, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandHandler, CqrsModule, EventBus, type ICommandHandler } from '@nestjs/cqrs';
import { DEFAULT_POLICY, decide, type BanDecision, type Incident } from '#warden/ban-policy';
import { BanBatch } from './ban-batch.js';
import { AnnounceBanCommand } from './ban.commands.js';
import { ThresholdCrossedEvent } from './ban.events.js';
import { AnnounceBanHandler, EscalateBanHandler, ImposeBanHandler } from './ban-step.handlers.js';
import { BansSaga } from './bans.saga.js';
import { pairBansWithIncidents } from './decided-bans.js';
import { SagaErrorGuard } from './saga-errors.js';

const T0 = Date.UTC(2026, 10, 23, 12);

/** Five failures of alice from one IP, then a sixth while banned: a ban imposed, then escalated. */
function decidedBans(): Array<{ decision: BanDecision; incident: Incident }> {
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

@CommandHandler(AnnounceBanCommand)
class FailingAnnounceBanHandler implements ICommandHandler<AnnounceBanCommand> {
  async execute(): Promise<void> {
    throw new Error('the announcement failed');
  }
}

async function contextWith(announce: Type<unknown>): Promise<INestApplicationContext> {
  @Module({ imports: [CqrsModule.forRoot()], providers: [BansSaga, SagaErrorGuard, ImposeBanHandler, EscalateBanHandler, announce] })
  class SagaTestModule {}
  const context = await NestFactory.createApplicationContext(SagaTestModule, { logger: false });
  return context.init();
}

describe('the bans saga', () => {
  let context: INestApplicationContext | undefined;
  afterEach(async () => context?.close());

  function publish(bans: ReadonlyArray<{ decision: BanDecision; incident: Incident }>, batch: BanBatch): void {
    batch.expect(bans.length);
    context!.get(EventBus).publishAll(bans.map(({ decision, incident }) => new ThresholdCrossedEvent(decision, incident, batch)));
  }

  it('takes each crossed threshold through impose or escalate to its announcement', async () => {
    context = await contextWith(AnnounceBanHandler);
    const bans = decidedBans();
    expect(bans.map(({ decision }) => decision.type)).toEqual(['ban_imposed', 'ban_escalated']);
    const batch = new BanBatch();
    publish(bans, batch);
    await batch.settled();
    expect(batch.bans.map((row) => row.level)).toEqual([1, 2]);
    expect(batch.banEvents.map((row) => row.type)).toEqual(['ban_imposed', 'ban_escalated']);
    expect(batch.decisionRecords.map((record) => record.key)).toEqual(['account-ip:alice|192.0.2.1', 'account-ip:alice|192.0.2.1']);
    expect(batch.incidentRecords.map((record) => JSON.parse(String(record.value)).id)).toEqual(bans.map(({ incident }) => incident.id));
  });

  it('fails the batch when a command handler fails, though @nestjs/cqrs swallows the error', async () => {
    context = await contextWith(FailingAnnounceBanHandler);
    const batch = new BanBatch();
    publish(decidedBans(), batch);
    await expect(batch.settled()).rejects.toThrow('the announcement failed');
  });

  it('fails the batch when the saga itself throws, and keeps mapping the events after it', async () => {
    context = await contextWith(AnnounceBanHandler);
    const [good] = decidedBans();
    const broken = new BanBatch();
    const poisoned = {
      ...good!,
      decision: Object.defineProperty({ ...good!.decision }, 'type', {
        get: () => {
          throw new Error('unreadable decision');
        },
      }),
    };
    publish([poisoned], broken);
    await expect(broken.settled()).rejects.toThrow('unreadable decision');

    const next = new BanBatch();
    publish([good!], next);
    await next.settled();
    expect(next.bans).toHaveLength(1);
  });

  it('fails a batch whose bans are never announced, at its deadline', async () => {
    const batch = new BanBatch();
    batch.expect(1);
    await expect(batch.settled(20)).rejects.toThrow(/left 1 ban\(s\) unannounced/);
  });
});
