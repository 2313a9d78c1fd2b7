import { Inject, Injectable } from '@nestjs/common';
import { WARDEN_CONFIG, type WardenConfig } from '#warden/runtime';
import { INCIDENT_TYPES, STATS_WINDOWS, type Stats, type StatsQuery } from '#warden/contracts';
import { IncidentStatsRepository, LoginAttemptsRepository } from '#warden/persistence';
import { StatsSeries } from './stats-series.js';

const MINUTE_MS = 60_000;
const TOP = 10;

/**
 * `GET /v1/stats`: per-minute counts over a window that ends with the current minute (counted up
 * to now), from what Postgres holds: recorded attempts by outcome, bans imposed and escalated by
 * rule, incidents by type; and the most banned subjects and networks.
 */
@Injectable()
export class StatsService {
  constructor(
    @Inject(IncidentStatsRepository) private readonly incidents: IncidentStatsRepository,
    @Inject(LoginAttemptsRepository) private readonly attempts: LoginAttemptsRepository,
    @Inject(WARDEN_CONFIG) private readonly config: WardenConfig,
  ) {}

  async stats(query: StatsQuery, now = new Date()): Promise<Stats> {
    const minutes = STATS_WINDOWS[query.window];
    const from = new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS - (minutes - 1) * MINUTE_MS);
    const { ipv4Prefix, ipv6Prefix } = this.config.policy.ranges;
    const [incidentCounts, attemptCounts, top] = await Promise.all([
      this.incidents.perMinute(from, now),
      this.attempts.perMinute(from, now),
      this.incidents.mostBanned(from, now, { ipv4: ipv4Prefix, ipv6: ipv6Prefix }, TOP),
    ]);
    const attempts = new StatsSeries(minutes, ['success', 'failure']);
    const imposed = new StatsSeries(minutes);
    const escalated = new StatsSeries(minutes);
    const byType = new StatsSeries(minutes, INCIDENT_TYPES);
    for (const { minute, outcome, count } of attemptCounts) attempts.add(outcome, minute, count);
    for (const { minute, type, rule, simulated, count } of incidentCounts) {
      byType.add(type, minute, count);
      if (simulated || rule === null) continue;
      if (type === 'ban_imposed' || type === 'manual_ban') imposed.add(rule, minute, count);
      else if (type === 'ban_escalated') escalated.add(rule, minute, count);
    }
    return {
      window: query.window,
      from: from.toISOString(),
      to: now.toISOString(),
      minutes: Array.from({ length: minutes }, (_, n) => new Date(from.getTime() + n * MINUTE_MS).toISOString()),
      attempts: attempts.toJSON(),
      bansImposed: imposed.toJSON(),
      bansEscalated: escalated.toJSON(),
      incidents: byType.toJSON(),
      topSubjects: top.subjects,
      topNetworks: top.networks,
    };
  }
}
