import { useState } from 'preact/hooks';
import { api } from '../api.js';

/** Unban with a reason, asked for in place: the reason goes into the audit log with the key's name. */
export function UnbanButton({ subject, onDone }: { subject: string; onDone: (message: string) => void }) {
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (!asking) {
    return (
      <button class="danger small" onClick={() => setAsking(true)} data-testid="unban">
        Unban
      </button>
    );
  }
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      await api.unban(subject, reason.trim());
      setAsking(false);
      onDone(`Unban of ${subject} sent; the engine lifts it in a moment.`);
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  return (
    <form class="inline" onSubmit={submit}>
      <input placeholder="Reason (for the audit log)" required value={reason} onInput={(event) => setReason(event.currentTarget.value)} data-testid="unban-reason" autoFocus />
      <button type="submit" class="danger small" disabled={reason.trim() === ''} data-testid="unban-confirm">
        Lift
      </button>
      <button type="button" class="quiet small" onClick={() => setAsking(false)}>
        Cancel
      </button>
      {error && <span class="error">{error}</span>}
    </form>
  );
}
