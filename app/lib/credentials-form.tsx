'use client';

import { useState, type FormEvent } from 'react';

export interface Credentials {
  email: string;
  password: string;
}

/**
 * The e-mail and password form of every sign-in page. `signIn` returns the error to show, or null
 * once it is leaving the page (the button stays busy until then).
 */
export function CredentialsForm({
  signIn,
  initialError = null,
  autoFocus = false,
}: {
  signIn: (credentials: Credentials) => Promise<string | null>;
  initialError?: string | null;
  autoFocus?: boolean;
}) {
  const [error, setError] = useState<string | null>(initialError);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const failed = await signIn({ email: String(form.get('email')), password: String(form.get('password')) });
    if (failed === null) return;
    setError(failed);
    setBusy(false);
  }

  return (
    <form onSubmit={submit} className="stack">
      <label className="field">
        <span>Email</span>
        <input name="email" type="email" autoComplete="username" required data-testid="login-email" autoFocus={autoFocus} />
      </label>
      <label className="field">
        <span>Password</span>
        <input name="password" type="password" autoComplete="current-password" required data-testid="login-password" />
      </label>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="button primary" disabled={busy} data-testid="login-submit">
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
