'use client';

import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { EMBEDDED_SIGN_IN } from '../../lib/documents';
import { describeError } from '../../lib/graphql-client';
import { Logo } from '../../lib/logo';

/**
 * Sign-in inside the frame. Browsers do not send the agent page's cookie to a frame under another
 * site, so the agent signs in here once per CRM: the cookie this sets is kept for that site only.
 */
export function EmbedSignIn() {
  const [, signIn] = useMutation(EMBEDDED_SIGN_IN);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const result = await signIn({ email: String(form.get('email')), password: String(form.get('password')) });
    if (result.data?.signIn.role === 'AGENT') return location.reload(); // the page's socket starts again with the new cookie
    setError(
      result.data ? 'This view is for agents. Sign in with an agent account.' : (describeError(result.error)?.message ?? 'Sign-in failed.'),
    );
    setBusy(false);
  }

  return (
    <main className="embed-sign-in">
      <div className="auth-card">
        <Logo />
        <h1>Sign in to co-browse</h1>
        <form onSubmit={submit} className="stack">
          <label className="field">
            <span>Email</span>
            <input name="email" type="email" autoComplete="username" required data-testid="login-email" />
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
      </div>
    </main>
  );
}
