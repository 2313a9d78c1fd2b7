import type { DemoAttempt, Scenario } from './demo-traffic.js';
import type { StatusAnswer } from './warden-client.js';

/** A ban that blocks a normal user of the story: a false positive. */
export interface NormalUserBan {
  readonly account: string;
  readonly ip: string;
  readonly subject: string;
  readonly rule: string;
  readonly level: number;
}

/** The distinct (address, account) pairs of the normal users, in story order: what their gateway checks. */
export function normalUserLogins(normal: Scenario): Array<Pick<DemoAttempt, 'ip' | 'account'>> {
  const seen = new Map<string, Pick<DemoAttempt, 'ip' | 'account'>>();
  for (const { ip, account } of normal.attempts) seen.set(`${account}|${ip}`, { ip, account });
  return [...seen.values()];
}

/** The bans a normal user's check now meets (one row per user and ban). */
export function normalUserBans(login: Pick<DemoAttempt, 'ip' | 'account'>, status: StatusAnswer): NormalUserBan[] {
  return status.bans.map((ban) => ({ account: login.account, ip: login.ip, subject: ban.subject, rule: ban.rule, level: ban.level }));
}

/** Report lines: each banned subject once, with how many normal users it blocks, and a sample of them. */
export function falsePositiveReport(bans: readonly NormalUserBan[]): string[] {
  const bySubject = new Map<string, { rule: string; level: number; users: string[] }>();
  for (const ban of bans) {
    const entry = bySubject.get(ban.subject) ?? { rule: ban.rule, level: ban.level, users: [] };
    entry.users.push(`${ban.account} (${ban.ip})`);
    bySubject.set(ban.subject, entry);
  }
  return [...bySubject].map(
    ([subject, { rule, level, users }]) =>
      `    ${subject}  ${rule}  level ${level}  blocks ${users.length} normal user${users.length === 1 ? '' : 's'}: ${users.slice(0, 3).join(', ')}${users.length > 3 ? ', …' : ''}`,
  );
}
