/**
 * `npm run bench:policy`: attempts decided per second on one core, and the state's bytes per
 * subject, for a mix of normal traffic and attacks over more than 100,000 subjects.
 *
 * The loop does what the engine does per Kafka batch of 1,000: list the subject keys, load their
 * state from a store (a Map of JSON text standing in for the jsonb column, so loading parses and
 * saving serializes), decide, save what changed. Two runs over the same seeded traffic:
 * - "gateway checks first": as in DESIGN §2, a gateway asks before each login and reports only
 *   the attempts it let through, so a banned attacker's further tries never reach the policy;
 *   the check runs on a view of the bans decided so far (what the gateway API keeps in memory);
 * - "every attempt reported": the worst case, every try reported even while banned, so that
 *   each one escalates the bans of all its subjects (a decision and an incident each).
 * Traffic, over one hour of event time, 5 % of it dated up to 2 minutes early:
 * 75 % users logging in from their own address, now and then mistyping; credential stuffing
 * (20 addresses, 10,000 accounts); brute force (100 addresses of one /24 on 50 accounts); a
 * distributed attack on 20 accounts from 2,000 addresses of one /16; devices retrying a stale
 * password; 5 busy IPv6 NAT addresses.
 */
import { performance } from 'node:perf_hooks';
import {
  banStatus,
  checkSubjects,
  decide,
  DEFAULT_POLICY,
  subjectKeysOf,
  type ActiveBan,
  type PolicyAttempt,
  type PolicyState,
} from '../src/index.js';
import { BATCH, generateTraffic, TOTAL_ATTEMPTS } from './bench-traffic.js';


interface RunResult {
  readonly label: string;
  readonly decided: number;
  readonly blocked: number;
  /** `subjectKeysOf`: the subjects it forms are the ones `decide` then reuses. */
  readonly keysMs: number;
  readonly decideMs: number;
  readonly engineMs: number;
  readonly decisions: number;
  readonly store: Map<string, string>;
}

function run(label: string, traffic: Iterable<PolicyAttempt[]>, gatewayChecksFirst: boolean): RunResult {
  const store = new Map<string, string>();
  const view = new Map<string, ActiveBan>();
  let engineMs = 0;
  let decideMs = 0;
  let keysMs = 0;
  let total = 0;
  let decided = 0;
  let decisions = 0;
  for (let batch of traffic) {
    total += batch.length;
    if (gatewayChecksFirst) {
      batch = batch.filter((attempt) => {
        const bans = checkSubjects(attempt, DEFAULT_POLICY).map((subject) => view.get(subject));
        return !banStatus(bans, attempt.receivedAt).banned;
      });
    }
    const engineStart = performance.now();
    const keys = subjectKeysOf(batch, DEFAULT_POLICY);
    keysMs += performance.now() - engineStart;
    const loaded: PolicyState = new Map();
    for (const key of keys) {
      const row = store.get(key);
      if (row !== undefined) loaded.set(key, JSON.parse(row));
    }
    const decideStart = performance.now();
    const result = decide(loaded, batch, DEFAULT_POLICY);
    decideMs += performance.now() - decideStart;
    for (const [key, state] of result.state) store.set(key, JSON.stringify(state));
    engineMs += performance.now() - engineStart;
    for (const decision of result.decisions) {
      view.set(decision.subject, { subject: decision.subject, rule: decision.rule, level: decision.level, until: decision.until, visible: decision.visible });
    }
    decided += batch.length;
    decisions += result.decisions.length;
  }
  return { label, decided, blocked: total - decided, keysMs, decideMs, engineMs, decisions, store };
}

function report(result: RunResult): void {
  const rate = (ms: number) => Math.round(result.decided / (ms / 1_000)).toLocaleString('en-US');
  let bytes = 0;
  const sizes: number[] = [];
  for (const row of result.store.values()) {
    const size = Buffer.byteLength(row);
    bytes += size;
    sizes.push(size);
  }
  sizes.sort((a, b) => a - b);
  const count = (n: number) => n.toLocaleString('en-US');
  console.log(`${result.label}: ${count(result.decided)} attempts decided (${count(result.blocked)} blocked by the check first), ${count(result.decisions)} bans imposed or escalated`);
  console.log(`  decide:                          ${rate(result.decideMs)} attempts/s (one core)`);
  console.log(`  subjectKeysOf + decide:          ${rate(result.keysMs + result.decideMs)} attempts/s (decide reuses the subjects formed by subjectKeysOf)`);
  console.log(`  engine loop (keys, JSON load, decide, JSON save):  ${rate(result.engineMs)} attempts/s`);
  console.log(`  state: ${count(result.store.size)} subjects, ${Math.round(bytes / result.store.size)} bytes/subject as JSON (median ${sizes[sizes.length >> 1]}, p99 ${sizes[Math.floor(sizes.length * 0.99)]}, max ${sizes[sizes.length - 1]})`);
}

function* take<T>(items: Iterable<T>, count: number): Generator<T> {
  for (const item of items) {
    if (count-- <= 0) return;
    yield item;
  }
}

function main(): void {
  console.log(`ban-policy bench: ${TOTAL_ATTEMPTS.toLocaleString('en-US')} attempts, batches of ${BATCH}, default policy ${DEFAULT_POLICY.version}`);
  run('warm-up', take(generateTraffic(), 100), true);
  report(run('gateway checks first', generateTraffic(), true));
  report(run('every attempt reported', generateTraffic(), false));
}

main();
