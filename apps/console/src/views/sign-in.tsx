import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { session } from '../session.js';

/** The key is checked with one read, then kept for this tab only. */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.checkKey(key.trim());
      session.signIn(key.trim());
      onSignedIn();
    } catch (failure) {
      setError(failure instanceof ApiError && failure.status === 401 ? 'This key is not valid.' : failure instanceof ApiError && failure.status === 403 ? 'This key may not read the audit log (scope audit:read).' : String((failure as Error).message));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <form onSubmit={submit} class="card">
        <h1>Warden console</h1>
        <label>
          API key
          <input type="password" name="apiKey" autocomplete="off" required value={key} onInput={(event) => setKey(event.currentTarget.value)} data-testid="api-key" />
        </label>
        <p class="hint">A key with the scope audit:read (and bans:write to ban and unban). It stays in this tab only.</p>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy || key.trim() === ''} data-testid="sign-in">
          Sign in
        </button>
      </form>
    </main>
  );
}
