import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topic, TOPIC_SPECS } from '#warden/contracts';
import { InProcessMessageBus } from '#warden/kafka';

/**
 * `npm run bench:bus`: publishes to the in-process bus as the gateway does (each POST /v1/attempts
 * one publish), from 1, 16 and 128 callers at once, on a folder on disk and on tmpfs (/dev/shm,
 * where a sync returns at once: the same code without the cost of durability). Reports
 * publishes/s, records/s and publishes per disk write (the group commit), side by side.
 */

const say = (line: string) => process.stdout.write(`${line}\n`);
const DURATION_MS = 3_000;
const value = JSON.stringify({ schemaVersion: 1, id: randomUUID(), occurredAt: new Date().toISOString(), receivedAt: new Date().toISOString(), outcome: 'failure', ip: '203.0.113.7', account: 'alice' });

interface Result {
  readonly publishes: number;
  readonly records: number;
  readonly writes: number;
  readonly ms: number;
}

async function run(directory: string, callers: number, recordsPerPublish: number): Promise<Result> {
  const bus = new InProcessMessageBus({ directory });
  await bus.ensureTopics(TOPIC_SPECS);
  const records = Array.from({ length: recordsPerPublish }, (_, n) => ({ key: `203.0.113.${n % 250}`, value }));
  let publishes = 0;
  const started = performance.now();
  const deadline = started + DURATION_MS;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < deadline) {
        await bus.publish(Topic.loginAttempts, records);
        publishes++;
      }
    }),
  );
  const ms = performance.now() - started;
  const writes = await bus.diskWrites();
  await bus.close();
  return { publishes, records: publishes * recordsPerPublish, writes, ms };
}

const places: Array<[string, string]> = [['disk', tmpdir()]];
if (existsSync('/dev/shm')) places.push(['tmpfs', '/dev/shm']);
else say('no /dev/shm here: only the disk is measured');

say(`${'where'.padEnd(6)} ${'callers'.padStart(7)} ${'rec/pub'.padStart(7)} ${'publishes/s'.padStart(12)} ${'records/s'.padStart(11)} ${'pub/write'.padStart(9)}`);
const byCase = new Map<string, Map<string, Result>>();
for (const [callers, recordsPerPublish] of [[1, 1], [16, 1], [128, 1], [16, 20], [128, 20]] as const) {
  for (const [where, parent] of places) {
    const directory = mkdtempSync(join(parent, 'warden-bench-bus-'));
    try {
      const result = await run(directory, callers, recordsPerPublish);
      const name = `${callers}x${recordsPerPublish}`;
      if (!byCase.has(name)) byCase.set(name, new Map());
      byCase.get(name)!.set(where, result);
      const perSecond = (count: number) => Math.round((count / result.ms) * 1_000).toLocaleString('en');
      say(`${where.padEnd(6)} ${String(callers).padStart(7)} ${String(recordsPerPublish).padStart(7)} ${perSecond(result.publishes).padStart(12)} ${perSecond(result.records).padStart(11)} ${(result.publishes / Math.max(1, result.writes)).toFixed(1).padStart(9)}`);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }
}
if (places.length > 1) {
  say('\ndisk / tmpfs, records/s (the cost of syncing each write):');
  for (const [name, results] of byCase) {
    const disk = results.get('disk')!;
    const tmpfs = results.get('tmpfs')!;
    say(`  ${name.padEnd(8)} ${(disk.records / disk.ms / (tmpfs.records / tmpfs.ms)).toFixed(2)}`);
  }
}
