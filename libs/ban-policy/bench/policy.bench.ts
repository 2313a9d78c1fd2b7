/**
 * `npm run bench:policy` (node --expose-gc): attempts decided per second on one core, and what the
 * state costs, for a mix of normal traffic and attacks over more than 100,000 subjects.
 *
 * Two loops over the same seeded traffic, batches of 1,000:
 * - in memory, as a stage partition of the engine runs (DESIGN §2): `decideBatch`
 *   over one `SubjectStates` kept across batches, then the JSON of every subject the batch changed
 *   (what a checkpoint writes; the engine writes one at most every second, this loop after every
 *   batch, so it is the upper bound);
 * - the pure `decide` as a database-backed engine uses it: list the subject keys, load their state
 *   from a store (a Map of JSON text standing in for a jsonb column, so loading parses and saving
 *   serializes), decide, save what changed.
 * Each over two traffics:
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
 *
 * Rates are per second of wall time and per second of the process's CPU time (the garbage
 * collector's helper threads included): on a shared, busy machine the second varies less.
 * Last, the heap that the in-memory state of 1,000,000 subjects of this traffic takes.
 */
import { performance } from 'node:perf_hooks';
import {
  banStatus,
  checkSubjects,
  decide,
  decideBatch,
  DEFAULT_POLICY,
  subjectKeysOf,
  SubjectStates,
  type ActiveBan,
  type BanDecision,
  type PolicyAttempt,
  type PolicyState,
} from '../src/index.js';
import { BATCH, generateTraffic, TOTAL_ATTEMPTS } from './bench-traffic.js';

/** Wall and CPU time spent in a part of the loop, in ms. */
class Stopwatch {
  wallMs = 0;
  cpuMs = 0;
  private wallStart = 0;
  private cpuStart = 0;

  start(): void {
    this.wallStart = performance.now();
    this.cpuStart = cpuMs();
  }

  stop(): void {
    this.wallMs += performance.now() - this.wallStart;
    this.cpuMs += cpuMs() - this.cpuStart;
  }
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1_000;
}

interface RunResult {
  readonly decided: number;
  readonly blocked: number;
  readonly decisions: number;
  /** What is timed, by the label it is reported under. */
  readonly parts: ReadonlyArray<readonly [string, Stopwatch]>;
  /** Bytes of each stored subject's state as JSON text. */
  readonly jsonSizes: number[];
}

/** One way of running the engine's work on a batch: `decide` is the part timed as the policy's own. */
interface EngineLoop {
  readonly decideLabel: string;
  readonly loopLabel: string;
  /** Each subject's latest state as JSON text (the checkpoint, or the jsonb column). */
  readonly rows: Map<string, string>;
  step(batch: readonly PolicyAttempt[], decide: Stopwatch): readonly BanDecision[];
}

/** The engine loop over attempts the gateway's check has not blocked (when it checks first). */
function run(traffic: Iterable<PolicyAttempt[]>, gatewayChecksFirst: boolean, loop: EngineLoop): RunResult {
  const view = new Map<string, ActiveBan>();
  const decideWatch = new Stopwatch();
  const loopWatch = new Stopwatch();
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
    loopWatch.start();
    const made = loop.step(batch, decideWatch);
    loopWatch.stop();
    for (const decision of made) {
      view.set(decision.subject, { subject: decision.subject, rule: decision.rule, level: decision.level, until: decision.until, visible: decision.visible });
    }
    decided += batch.length;
    decisions += made.length;
  }
  return {
    decided,
    blocked: total - decided,
    decisions,
    parts: [[loop.decideLabel, decideWatch], [loop.loopLabel, loopWatch]],
    jsonSizes: [...loop.rows.values()].map((row) => Buffer.byteLength(row)),
  };
}

function inMemory(): EngineLoop {
  const states = new SubjectStates(DEFAULT_POLICY);
  const rows = new Map<string, string>();
  return {
    decideLabel: 'decideBatch (in memory)',
    loopLabel: 'engine loop (in memory, + JSON of the changed subjects)',
    rows,
    step(batch, decideWatch) {
      decideWatch.start();
      const outcome = decideBatch(states, batch);
      decideWatch.stop();
      for (const subject of outcome.changed) rows.set(subject, JSON.stringify(states.toJson(subject)));
      return outcome.decisions;
    },
  };
}

function throughJson(): EngineLoop {
  const rows = new Map<string, string>();
  return {
    decideLabel: 'decide (pure, plain JSON state in and out)',
    loopLabel: 'engine loop (keys, JSON load, decide, JSON save)',
    rows,
    step(batch, decideWatch) {
      const loaded: PolicyState = new Map();
      for (const key of subjectKeysOf(batch, DEFAULT_POLICY)) {
        const row = rows.get(key);
        if (row !== undefined) loaded.set(key, JSON.parse(row));
      }
      decideWatch.start();
      const result = decide(loaded, batch, DEFAULT_POLICY);
      decideWatch.stop();
      for (const [key, state] of result.state) rows.set(key, JSON.stringify(state));
      return result.decisions;
    },
  };
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

function report(label: string, result: RunResult): void {
  console.log(`${label}: ${count(result.decided)} attempts decided (${count(result.blocked)} blocked by the check first), ${count(result.decisions)} bans imposed or escalated`);
  for (const [part, watch] of result.parts) {
    const rate = (ms: number) => count(result.decided / (ms / 1_000)).padStart(9);
    console.log(`  ${part.padEnd(58)} ${rate(watch.wallMs)} attempts/s wall, ${rate(watch.cpuMs)} per CPU second`);
  }
  const sizes = result.jsonSizes.sort((a, b) => a - b);
  const bytes = sizes.reduce((sum, size) => sum + size, 0);
  console.log(`  state: ${count(sizes.length)} subjects, ${Math.round(bytes / sizes.length)} bytes/subject as JSON (median ${sizes[sizes.length >> 1]}, p99 ${sizes[Math.floor(sizes.length * 0.99)]}, max ${sizes[sizes.length - 1]})`);
}

/**
 * The heap of the in-memory state of 1,000,000 subjects: the traffic (every attempt reported, with
 * UUID-long attempt ids, as gateways send) decided until the store holds that many, measured
 * after a full collection, less the heap before.
 */
function memoryPerMillion(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    console.log('state memory: run with node --expose-gc to measure it');
    return;
  }
  const target = 1_000_000;
  gc();
  const before = process.memoryUsage().heapUsed;
  const states = new SubjectStates(DEFAULT_POLICY);
  for (const batch of generateTraffic(TOTAL_ATTEMPTS * 4)) {
    const attempts = batch.map((attempt) => ({ ...attempt, id: `00000000-0000-4000-8000-${attempt.id.slice(2).padStart(12, '0')}` }));
    decideBatch(states, attempts);
    if (states.size >= target) break;
  }
  gc();
  const bytes = process.memoryUsage().heapUsed - before;
  const perSubject = bytes / states.size;
  console.log(`state in memory: ${count(states.size)} subjects take ${count(bytes / 2 ** 20)} MiB of heap, ${count(perSubject)} bytes/subject: ${count((perSubject * 1e6) / 2 ** 20)} MiB per million subjects (keys included)`);
}

function* take<T>(items: Iterable<T>, n: number): Generator<T> {
  for (const item of items) {
    if (n-- <= 0) return;
    yield item;
  }
}

function main(): void {
  console.log(`ban-policy bench: ${count(TOTAL_ATTEMPTS)} attempts, batches of ${BATCH}, default policy ${DEFAULT_POLICY.version}`);
  run(take(generateTraffic(), 100), true, inMemory());
  run(take(generateTraffic(), 100), true, throughJson());
  for (const [label, gatewayChecksFirst] of [['gateway checks first', true], ['every attempt reported', false]] as const) {
    report(`${label}, in memory`, run(generateTraffic(), gatewayChecksFirst, inMemory()));
    report(`${label}, through JSON`, run(generateTraffic(), gatewayChecksFirst, throughJson()));
  }
  memoryPerMillion();
}

main();
