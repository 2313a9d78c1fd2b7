import { useState } from 'preact/hooks';
import type { ManualBanRequest } from '#warden/contracts';
import { api } from '../api.js';
import { parseDuration } from '../format.js';

type Kind = 'ip' | 'account' | 'range';

/** `POST /v1/bans`: an address, an account or a range, for a while, with a reason. */
export function ManualBanForm({ onDone }: { onDone: (message: string) => void }) {
  const [kind, setKind] = useState<Kind>('ip');
  const [target, setTarget] = useState('');
  const [duration, setDuration] = useState('1h');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const seconds = parseDuration(duration);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (seconds === null) return setError('Duration: a number with s, m, h or d, e.g. 10m.');
    try {
      const body = { [kind]: target.trim(), durationSeconds: seconds, reason: reason.trim() } as ManualBanRequest;
      const accepted = await api.ban(body);
      setTarget('');
      setReason('');
      setError(null);
      onDone(`Ban of ${accepted.subject} sent; it appears in a moment.`);
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  return (
    <form class="card ban-form" onSubmit={submit} data-testid="ban-form">
      <h2>Ban by hand</h2>
      <div class="fields">
        <select value={kind} onChange={(event) => setKind(event.currentTarget.value as Kind)} aria-label="What to ban">
          <option value="ip">IP address</option>
          <option value="account">Account</option>
          <option value="range">Range (CIDR)</option>
        </select>
        <input required placeholder={kind === 'ip' ? '203.0.113.7' : kind === 'account' ? 'alice@example.com' : '203.0.113.0/24'} value={target} onInput={(event) => setTarget(event.currentTarget.value)} aria-label="Target" data-testid="ban-target" />
        <input required class="short" value={duration} onInput={(event) => setDuration(event.currentTarget.value)} aria-label="Duration" title="e.g. 90s, 10m, 2h, 7d" data-testid="ban-duration" />
        <input required placeholder="Reason" value={reason} onInput={(event) => setReason(event.currentTarget.value)} aria-label="Reason" data-testid="ban-reason" />
        <button type="submit" class="danger" data-testid="ban-submit">
          Ban
        </button>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
    </form>
  );
}
