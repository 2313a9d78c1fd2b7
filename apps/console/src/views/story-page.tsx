import { useState } from 'preact/hooks';
import type { AuditedIncident, BanExplanation } from '#warden/contracts';
import { api, ApiError } from '../api.js';
import { IncidentRow } from '../components/incident-row.js';
import { UnbanButton } from '../components/unban-button.js';
import { formatSeconds, formatTime, secondsUntil } from '../format.js';
import { useNow } from '../use-now.js';
import { usePolling } from '../use-polling.js';

/** A ban's story: the explanation of one subject, its level history as a timeline, its attempts and incidents. */
export function StoryPage({ subject }: { subject: string }) {
  const [ban, setBan] = useState<BanExplanation | null | undefined>(undefined);
  const [incidents, setIncidents] = useState<AuditedIncident[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const now = useNow();

  usePolling(
    async () => {
      const [explanation, page] = await Promise.all([
        api.explain(subject).catch((failure) => {
          if (failure instanceof ApiError && failure.status === 404) return null;
          throw failure;
        }),
        api.incidents({ subject, limit: 100 }),
      ]);
      setBan(explanation);
      setIncidents(page.items);
      setError(null);
    },
    3_000,
    (failure) => setError((failure as Error).message),
    [subject],
  );

  const active = ban?.status === 'active' && Date.parse(ban.until) > now;
  return (
    <section class="story" data-testid="story">
      <p>
        <a href="#/bans">← Bans</a>
      </p>
      <h1 class="subject-title">{subject}</h1>
      {error && <p class="error" role="alert">{error}</p>}
      {notice && <p class="notice" role="status">{notice}</p>}
      {ban === undefined && <p class="hint">Loading…</p>}
      {ban === null && <p class="hint">No ban of this subject has been recorded.</p>}
      {ban && (
        <div class="card facts" data-testid="story-facts">
          <dl>
            <dt>Status</dt>
            <dd data-testid="story-status">{active ? `in force, Retry-After ${formatSeconds(secondsUntil(ban.until, now))}` : ban.status === 'active' ? 'ended' : ban.status}</dd>
            <dt>Rule</dt>
            <dd data-testid="story-rule">{ban.rule}</dd>
            <dt>Level</dt>
            <dd>{ban.level}</dd>
            <dt>Policy version</dt>
            <dd class="mono">{ban.policyVersion}</dd>
            <dt>Since / until</dt>
            <dd>
              {formatTime(ban.since, now)} → {formatTime(ban.until, now)}
            </dd>
            <dt>Answer</dt>
            <dd>{ban.visible ? '429 with Retry-After' : '401, as if the password were wrong (invisible)'}</dd>
          </dl>
          {active && <UnbanButton subject={subject} onDone={setNotice} />}
        </div>
      )}
      {ban && ban.history.length > 0 && (
        <div class="card">
          <h2>Level history</h2>
          <ol class="timeline" data-testid="timeline">
            {ban.history.map((change) => (
              <li class={change.type}>
                <time dateTime={change.at}>{formatTime(change.at, now)}</time>
                <strong>{change.type.replace('_', ' ')}</strong> level {change.level} · {change.rule}
                {change.type !== 'manual_unban' && <> · until {formatTime(change.until, now)}</>}
                {change.actor !== 'policy' && <> · by {change.actor}</>}
                {change.reason && <> · “{change.reason}”</>}
              </li>
            ))}
          </ol>
        </div>
      )}
      {ban && (
        <div class="card">
          <h2>Attempts that caused it ({ban.attemptIds.length})</h2>
          {ban.attemptIds.length === 0 ? <p class="hint">None: a ban made by hand.</p> : <ul class="ids mono">{ban.attemptIds.map((id) => <li>{id}</li>)}</ul>}
        </div>
      )}
      <div class="card">
        <h2>Incidents</h2>
        {incidents.length === 0 ? <p class="hint">None recorded.</p> : <ul class="feed">{incidents.map((incident) => <IncidentRow key={incident.id} incident={incident} />)}</ul>}
      </div>
    </section>
  );
}
