import { useRef, useState } from 'preact/hooks';
import type { BanListItem, BanListQuery, BanState } from '#warden/contracts';
import { api } from '../api.js';
import { ManualBanForm } from '../components/manual-ban-form.js';
import { UnbanButton } from '../components/unban-button.js';
import { formatSeconds, formatTime, secondsUntil } from '../format.js';
import { storyHref } from '../route.js';
import { useNow } from '../use-now.js';
import { usePolling } from '../use-polling.js';

const SCOPES = ['ip', 'range', 'account', 'account-ip', 'account-credential'];
const REFRESH_MS = 2_000;

/** The bans, searchable and filtered, refreshed every two seconds, each with its Retry-After counting down. */
export function BansPage() {
  const [state, setState] = useState<BanState>('active');
  const [scope, setScope] = useState('');
  const [rule, setRule] = useState('');
  const [q, setQ] = useState('');
  const [bans, setBans] = useState<BanListItem[] | null>(null);
  const [more, setMore] = useState<string | null>(null);
  const [rules, setRules] = useState<string[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const now = useNow();

  const filter: Partial<BanListQuery> = { state, scope: (scope || undefined) as BanListQuery['scope'], rule: rule || undefined, q: q.trim() || undefined, limit: 100 };
  // Once more pages are shown, refreshing the first would drop them: the list holds until the filter changes.
  const filterKey = JSON.stringify([state, scope, rule, q]);
  const extendedFor = useRef<string | null>(null);
  usePolling(
    async () => {
      if (extendedFor.current === filterKey) return;
      const page = await api.bans(filter);
      setBans(page.items);
      setMore(page.nextCursor);
      setRules((known) => [...new Set([...known, ...page.items.map((ban) => ban.rule)])].sort());
      setError(null);
    },
    REFRESH_MS,
    (failure) => setError((failure as Error).message),
    [filterKey],
  );

  const loadMore = async () => {
    if (!more) return;
    extendedFor.current = filterKey;
    const page = await api.bans({ ...filter, cursor: more });
    setBans((shown) => [...(shown ?? []), ...page.items]);
    setMore(page.nextCursor);
  };

  return (
    <section class="bans">
      <ManualBanForm onDone={setNotice} />
      <div class="card">
        <div class="filters">
          <input type="search" placeholder="Search subjects (an address, an account…)" value={q} onInput={(event) => setQ(event.currentTarget.value)} aria-label="Search" data-testid="ban-search" />
          <select value={state} onChange={(event) => setState(event.currentTarget.value as BanState)} aria-label="State">
            <option value="active">in force</option>
            <option value="lifted">lifted</option>
            <option value="expired">expired</option>
          </select>
          <select value={scope} onChange={(event) => setScope(event.currentTarget.value)} aria-label="Scope" data-testid="ban-scope">
            <option value="">every scope</option>
            {SCOPES.map((each) => (
              <option value={each}>{each}</option>
            ))}
          </select>
          <select value={rule} onChange={(event) => setRule(event.currentTarget.value)} aria-label="Rule" data-testid="ban-rule">
            <option value="">every rule</option>
            {[...new Set([...rules, ...(rule ? [rule] : [])])].map((each) => (
              <option value={each}>{each}</option>
            ))}
          </select>
        </div>
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        {error && <p class="error" role="alert">{error}</p>}
        {bans === null ? (
          <p class="hint">Loading…</p>
        ) : bans.length === 0 ? (
          <p class="hint" data-testid="no-bans">No bans match.</p>
        ) : (
          <table class="list" data-testid="ban-list">
            <thead>
              <tr>
                <th>Subject</th>
                <th>Rule</th>
                <th>Level</th>
                <th>Since</th>
                <th>Retry-After</th>
                <th>Answer</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {bans.map((ban) => (
                <tr key={ban.subject} data-testid="ban-row" data-subject={ban.subject}>
                  <td data-label="Subject">
                    <a href={storyHref(ban.subject)} class="subject">
                      {ban.subject}
                    </a>
                  </td>
                  <td data-label="Rule">
                    {ban.rule}
                    {ban.actor ? <span class="hint"> by {ban.actor}</span> : null}
                  </td>
                  <td data-label="Level">{ban.level}</td>
                  <td data-label="Since">{formatTime(ban.since, now)}</td>
                  <td data-label="Retry-After" class="countdown" data-testid="retry-after">
                    {ban.state === 'active' ? formatSeconds(secondsUntil(ban.until, now)) : ban.state}
                  </td>
                  <td data-label="Answer">{ban.visible ? '429' : '401 (invisible)'}</td>
                  <td class="actions">{ban.state === 'active' && <UnbanButton subject={ban.subject} onDone={setNotice} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {more && (
          <button class="quiet" onClick={loadMore}>
            More
          </button>
        )}
      </div>
    </section>
  );
}
