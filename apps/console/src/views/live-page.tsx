import { useRef, useState } from 'preact/hooks';
import type { AuditedIncident, Stats } from '#warden/contracts';
import { api } from '../api.js';
import { IncidentRow } from '../components/incident-row.js';
import { PerMinuteChart } from '../components/per-minute-chart.js';
import { IncidentFeed } from '../incident-feed.js';
import { usePolling } from '../use-polling.js';

const FEED_LENGTH = 200;
const BAN_TYPES = new Set(['ban_imposed', 'ban_escalated', 'manual_ban', 'manual_unban', 'ban_lifted', 'ban_expired']);

const total = (counts: readonly number[] = []) => counts.reduce((sum, count) => sum + count, 0);

/** Incidents as they are recorded, the bans of the last hour by rule, and attempts and bans per minute. */
export function LivePage() {
  const feed = useRef(new IncidentFeed());
  const [incidents, setIncidents] = useState<AuditedIncident[]>([]);
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const statsDue = useRef(0);
  const report = (failure: unknown) => setError((failure as Error).message);

  usePolling(async () => {
    const fresh = await feed.current.poll();
    setError(null);
    if (fresh.length === 0) return;
    setIncidents((shown) => [...fresh.reverse(), ...shown].slice(0, FEED_LENGTH));
    // A ban changed: count it in the counters and the chart soon, not at the next tick.
    if (fresh.some((incident) => BAN_TYPES.has(incident.type))) statsDue.current = Math.min(statsDue.current, Date.now() + 1_000);
  }, 1_000, report);

  usePolling(async () => {
    if (Date.now() < statsDue.current) return;
    statsDue.current = Date.now() + 10_000;
    setStats(await api.stats('1h'));
  }, 500, report);

  const byRule = stats
    ? Object.keys({ ...stats.bansImposed, ...stats.bansEscalated })
        .map((rule) => ({ rule, imposed: total(stats.bansImposed[rule]), escalated: total(stats.bansEscalated[rule]) }))
        .sort((a, b) => b.imposed + b.escalated - (a.imposed + a.escalated))
    : [];

  return (
    <section class="live">
      {error && <p class="error" role="alert">{error}</p>}
      <div class="counters" data-testid="ban-counters">
        <div class="counter">
          <span class="value">{stats ? total(stats.attempts.failure).toLocaleString('en') : '…'}</span>
          <span class="label">failed logins, 1 h</span>
        </div>
        {byRule.map(({ rule, imposed, escalated }) => (
          <div class="counter" data-testid="ban-counter" data-rule={rule}>
            <span class="value">{imposed}</span>
            <span class="label">
              {rule}
              {escalated > 0 ? ` · ${escalated} escalated` : ''}
            </span>
          </div>
        ))}
        {stats && byRule.length === 0 && <p class="hint">No bans in the last hour.</p>}
      </div>
      {stats && (
        <div class="card">
          <h2>Attempts and bans per minute, last hour</h2>
          <PerMinuteChart stats={stats} />
        </div>
      )}
      <div class="card">
        <h2>
          Live incidents <span class="pulse" title="updated every second" />
        </h2>
        {incidents.length === 0 ? <p class="hint">Nothing recorded yet.</p> : <ul class="feed" data-testid="live-feed">{incidents.map((incident) => <IncidentRow key={incident.id} incident={incident} />)}</ul>}
      </div>
    </section>
  );
}
