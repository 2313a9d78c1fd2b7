import { createHash } from 'node:crypto';
import { DEFAULT_POLICY, MAX_LATENESS_MS, type PolicyRule } from '#warden/ban-policy';
import { seededRandom, type SeededRandom } from './seeded-random.js';

/**
 * The demo's story: a few minutes of a small site's logins, with five attacks in them. The sizes
 * come from the default policy (DESIGN §7), so each attack crosses its rule's threshold, and the
 * normal traffic stays below every rule. Addresses are documentation ranges only (RFC 5737, 3849).
 */

/** One login attempt of the story; `occurredAt` is epoch milliseconds. */
export interface DemoAttempt {
  readonly occurredAt: number;
  readonly outcome: 'success' | 'failure';
  readonly ip: string;
  readonly account: string;
  /** An opaque hash of the tried secret, as a gateway would report it. */
  readonly credentialFingerprint: string;
  readonly userAgent: string;
}

/** The values `GET /v1/status` takes. */
export interface StatusQuery {
  readonly ip: string;
  readonly account?: string;
  readonly credentialFingerprint?: string;
}

export interface Scenario {
  readonly name: string;
  readonly attempts: readonly DemoAttempt[];
  /** The rule this scenario gets to ban, and the status query that shows the ban; null for normal users. */
  readonly expected: { readonly rule: string; readonly probe: StatusQuery } | null;
}

/**
 * How much event time the story spans. Warden clamps `occurredAt` to [receivedAt − 5 min,
 * receivedAt]; the story ends when the demo starts, and 40 s are left for posting it.
 */
export const STORY_MS = MAX_LATENESS_MS - 40_000;

const SECOND = 1_000;
const DOMAIN = 'example.com';
const FIRST_NAMES = ['olivia', 'liam', 'emma', 'noah', 'ava', 'lucas', 'mia', 'leo', 'sofia', 'hugo', 'chloe', 'adam', 'lea', 'omar', 'nina',
  'ivan', 'sara', 'yuki', 'jonas', 'elena', 'ravi', 'anna', 'tom', 'ines', 'marek', 'lina', 'paul', 'zoe', 'karim', 'eva'];
const LAST_NAMES = ['chen', 'garcia', 'novak', 'smith', 'muller', 'rossi', 'kim', 'dubois', 'silva', 'jansen', 'kowalski', 'haddad',
  'berg', 'ito', 'patel', 'olsen', 'moreau', 'weber', 'costa', 'nagy', 'fischer', 'lopez', 'ward', 'horvat', 'sato', 'meyer', 'bianchi',
  'khan', 'lind', 'perez'];
/** Account names a password spray tries everywhere. */
const COMMON_ACCOUNTS = ['admin', 'administrator', 'root', 'test', 'guest', 'info', 'support', 'sales', 'office', 'user', 'demo', 'backup'];
const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
];
const USERS = 800;
/** Users behind one office NAT address; few enough that their typos stay below the IP rules. */
const OFFICE_USERS = 20;
const OFFICE_ADDRESS = '192.0.2.10';
/** Addresses of a botnet: one attempt each, spread over the three IPv4 documentation ranges. */
const BOTNET = [
  ...Array.from({ length: 8 }, (_, i) => `203.0.113.${100 + i}`),
  ...Array.from({ length: 8 }, (_, i) => `198.51.100.${240 + i}`),
  ...Array.from({ length: 8 }, (_, i) => `192.0.2.${240 + i}`),
];

function rule(name: string): PolicyRule {
  const found = DEFAULT_POLICY.ruleByName.get(name);
  if (!found) throw new Error(`the default policy has no rule ${name}`);
  return found;
}

function fingerprint(account: string, secret: string): string {
  return createHash('sha256').update(`${account}\n${secret}`).digest('hex').slice(0, 16);
}

/** An attempt of `account` with `secret`, reported with the secret's fingerprint only. */
function attempt(
  outcome: DemoAttempt['outcome'],
  occurredAt: number,
  where: { readonly ip: string; readonly userAgent: string },
  account: string,
  secret: string,
): DemoAttempt {
  return { occurredAt, outcome, ip: where.ip, account, credentialFingerprint: fingerprint(account, secret), userAgent: where.userAgent };
}

function userAccount(index: number): string {
  return `${FIRST_NAMES[index % FIRST_NAMES.length]}.${LAST_NAMES[Math.floor(index / FIRST_NAMES.length)]}@${DOMAIN}`;
}

/** A few users share the office's address; the others log in from home, over IPv4 or IPv6. */
function homeAddress(index: number, random: SeededRandom): string {
  if (index < OFFICE_USERS) return OFFICE_ADDRESS;
  if (index < 240) return `198.51.100.${10 + index - OFFICE_USERS}`;
  if (index < 460) return `192.0.2.${20 + index - 240}`;
  return `2001:db8:1:${(index - 459).toString(16)}::${random.int(1, 0xffff).toString(16)}`;
}

/** `count` instants from `from`, `every` apart, each moved by up to ±`jitter`. */
function paced(count: number, from: number, every: number, jitter: number, random: SeededRandom): number[] {
  return Array.from({ length: count }, (_, i) => from + i * every + random.int(-jitter, jitter));
}

/** Each user logs in once to three times; one login in ten starts with a typo, a few with two. */
function normalUsers(start: number, random: SeededRandom): Scenario {
  const attempts: DemoAttempt[] = [];
  for (let index = 0; index < USERS; index++) {
    const account = userAccount(index);
    const device = { ip: homeAddress(index, random), userAgent: random.pick(BROWSERS) };
    const logins = random.int(1, 3);
    for (let login = 0; login < logins; login++) {
      let at = start + random.int(0, STORY_MS - 30 * SECOND);
      const typos = random.next() < 0.1 ? (random.next() < 0.2 ? 2 : 1) : 0;
      for (let typo = 0; typo < typos; typo++) {
        attempts.push(attempt('failure', at, device, account, `typo-${login}-${typo}`));
        at += random.int(3, 12) * SECOND;
      }
      attempts.push(attempt('success', at, device, account, 'right'));
    }
  }
  return { name: 'normal users', attempts, expected: null };
}

/** A phone keeps retrying a password its owner changed: the same secret, again and again. */
function stalePassword(start: number, random: SeededRandom): Scenario {
  const identical = rule('identical-credential');
  const account = `maya.tanaka@${DOMAIN}`;
  const phone = { ip: '2001:db8:1:ffff::17', userAgent: 'Mail/3.0 (iPhone)' };
  const attempts = paced(identical.threshold + 1, start + 60 * SECOND, 20 * SECOND, 2 * SECOND, random).map((at) =>
    attempt('failure', at, phone, account, 'last-years-password'),
  );
  const probe = { ip: phone.ip, account, credentialFingerprint: attempts[0]!.credentialFingerprint };
  return { name: 'stale password on a phone', attempts, expected: { rule: identical.name, probe } };
}

/**
 * One address guesses one account's password, and keeps going after the ban. Not a normal user's
 * account: run a few times within 15 minutes, its failures add up to an account-failures lockout,
 * which the demo would rightly report as a normal user banned.
 */
function bruteForce(start: number, random: SeededRandom): Scenario {
  const accountIp = rule('account-ip-failures');
  const account = `payroll@${DOMAIN}`;
  const attacker = { ip: '203.0.113.66', userAgent: 'Hydra' };
  const attempts = paced(accountIp.threshold + 4, start + 90 * SECOND, 5 * SECOND, SECOND, random).map((at, i) =>
    attempt('failure', at, attacker, account, `guess-${i}`),
  );
  return { name: 'brute force on one account', attempts, expected: { rule: accountIp.name, probe: { ip: attacker.ip, account } } };
}

/** One address tries leaked username/password pairs: many accounts, one attempt each. */
function credentialStuffing(start: number, random: SeededRandom): Scenario {
  const distinct = rule('ip-distinct-accounts');
  const attacker = { ip: '203.0.113.77', userAgent: 'python-requests/2.32.3' };
  const attempts = paced(distinct.threshold + 2, start + 150 * SECOND, 3 * SECOND, SECOND, random).map((at, i) =>
    attempt('failure', at, attacker, userAccount(100 + i), `leaked-${i}`),
  );
  return { name: 'credential stuffing from one IP', attempts, expected: { rule: distinct.name, probe: { ip: attacker.ip } } };
}

/** A botnet tries one account's password, each bot once, so no address stands out. */
function distributedAttack(start: number, random: SeededRandom): Scenario {
  const accountFailures = rule('account-failures');
  const account = `ceo@${DOMAIN}`;
  const count = accountFailures.threshold + 2;
  const attempts = paced(count, start + 30 * SECOND, 9 * SECOND, 3 * SECOND, random).map((at, i) =>
    attempt('failure', at, { ip: BOTNET[i % BOTNET.length]!, userAgent: random.pick(BROWSERS) }, account, `botnet-${i}`),
  );
  // A login to the account from an address the botnet never used: the account's ban covers it.
  return { name: 'distributed attack on one account', attempts, expected: { rule: accountFailures.name, probe: { ip: '192.0.2.1', account } } };
}

/** A password spray that takes a new IPv6 address of its /64 for every attempt. */
function ipv6Sweep(start: number, random: SeededRandom): Scenario {
  const rangeFailures = rule('range-failures');
  const group = () => random.int(1, 0xffff).toString(16);
  const attempts = paced(rangeFailures.threshold + 3, start + 100 * SECOND, 1_400, 500, random).map((at, i) => {
    const address = { ip: `2001:db8:bad:5eed:${group()}:${group()}:${group()}:${group()}`, userAgent: 'curl/8.5.0' };
    return attempt('failure', at, address, random.pick(COMMON_ACCOUNTS), `spray-${i}`);
  });
  // A check from an address of the /64 that never tried anything: the range's ban covers it.
  return { name: 'IPv6 /64 sweep', attempts, expected: { rule: rangeFailures.name, probe: { ip: '2001:db8:bad:5eed::1' } } };
}

/** The story's scenarios, ending at `end` (epoch ms); the same traffic on every run but for the times. */
export function demoScenarios(end: number): Scenario[] {
  const start = end - STORY_MS;
  const random = seededRandom(20261123);
  return [normalUsers, stalePassword, bruteForce, credentialStuffing, distributedAttack, ipv6Sweep].map((scenario) => scenario(start, random));
}

/** Every attempt of the scenarios in the order of their event time, as a gateway would report them. */
export function inEventOrder(scenarios: readonly Scenario[]): DemoAttempt[] {
  return scenarios.flatMap((scenario) => scenario.attempts).sort((a, b) => a.occurredAt - b.occurredAt);
}
