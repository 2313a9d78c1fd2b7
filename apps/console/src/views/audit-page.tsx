import { useState } from 'preact/hooks';
import type { AuditVerification } from '#warden/contracts';
import { api } from '../api.js';

/** The audit chain's state (`verify`) and the evidence exports. */
export function AuditPage() {
  const [result, setResult] = useState<AuditVerification | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');

  const verify = async () => {
    setBusy(true);
    try {
      setResult(await api.verify());
      setError(null);
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const download = async (format: 'ndjson' | 'csv') => {
    try {
      const range = { ...(from ? { from: new Date(from).toISOString() } : {}), ...(to ? { to: new Date(to).toISOString() } : {}) };
      const blob = await api.export(format, range);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `warden-incidents-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.${format}`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  return (
    <section class="audit">
      {error && <p class="error" role="alert">{error}</p>}
      <div class="card">
        <h2>Audit log</h2>
        <p class="hint">Every incident is chained to the one before by a hash; verifying recomputes the chain from the first entry.</p>
        <button onClick={verify} disabled={busy} data-testid="verify">
          {busy ? 'Verifying…' : 'Verify the chain'}
        </button>
        {result && (
          <div class={`verdict ${result.ok ? 'ok' : 'broken'}`} data-testid="verify-result">
            <strong>{result.ok ? 'Intact' : 'Broken'}</strong>: {result.checked.toLocaleString('en')} entries checked.
            {result.firstBrokenId && (
              <p>
                First broken entry <span class="mono">{result.firstBrokenId}</span>: {result.problem}
              </p>
            )}
            {result.headHash && (
              <p>
                Head hash <span class="mono">{result.headHash}</span> (keep it elsewhere: a later rewrite of the whole chain would not match it).
              </p>
            )}
          </div>
        )}
      </div>
      <div class="card">
        <h2>Export incidents</h2>
        <div class="fields">
          <label>
            From <input type="datetime-local" value={from} onInput={(event) => setFrom(event.currentTarget.value)} />
          </label>
          <label>
            To <input type="datetime-local" value={to} onInput={(event) => setTo(event.currentTarget.value)} />
          </label>
          <button onClick={() => download('ndjson')} data-testid="export-ndjson">
            NDJSON
          </button>
          <button onClick={() => download('csv')} data-testid="export-csv">
            CSV
          </button>
        </div>
      </div>
    </section>
  );
}
