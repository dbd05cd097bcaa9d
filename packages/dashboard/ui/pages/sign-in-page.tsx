// Sign-in: a read or admin key is traded for a session cookie; the page keeps no copy of it.

import { useState } from 'preact/hooks';
import { errorText } from '../../src/api-error.js';
import type { Session } from '../../src/api-types.js';
import { api } from '../api.js';

export function SignInPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await api.post<Session>('/v1/session', { key: key.trim() }));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <form class="card sign-in-card" onSubmit={submit}>
        <h1>
          <span class="brand-mark" aria-hidden="true" />
          Arc
        </h1>
        <p class="muted">Sign in to watch your agents learn from their failures.</p>
        <label for="key">API key</label>
        <input
          id="key"
          name="key"
          type="password"
          autoComplete="off"
          spellcheck={false}
          placeholder="arc_…"
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
          required
        />
        <button type="submit" class="button button-primary" disabled={busy || key.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error !== undefined && (
          <p class="form-error" role="alert">
            {errorText(error)}
          </p>
        )}
        <p class="hint">
          A key with the <b>read</b> scope shows everything; an <b>admin</b> key can also approve fixes and
          roll them back. The key is exchanged for a session cookie that this page cannot read; it is not
          stored here.
        </p>
      </form>
    </main>
  );
}
