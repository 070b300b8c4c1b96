'use client';

import { useSearchParams } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../graphql/generated/client';
import type { Role } from '../../graphql/generated/client/graphql';
import { Logo } from '../lib/logo';
import { describeError } from '../lib/graphql-client';
import { SIGN_IN } from '../lib/documents';

/** The demo accounts that still have the published password; none on a real deployment. */
const DEMO_ACCOUNTS = graphql(`
  query DemoAccounts {
    demoAccounts
  }
`);
const DEMO_PASSWORD = 'cobrowse-demo';

const HOME_BY_ROLE: Record<Role, string> = { AGENT: '/agent', SUPERVISOR: '/supervisor', ADMIN: '/admin' };

/** Only same-site paths, so a crafted link cannot send a signed-in user elsewhere. */
const safeNext = (next: string | null) => (next && next.startsWith('/') && !next.startsWith('//') ? next : null);

export function LoginForm() {
  const params = useSearchParams();
  const [{ data: demo }] = useQuery({ query: DEMO_ACCOUNTS });
  const demoAccounts = demo?.demoAccounts ?? [];
  const [, signIn] = useMutation(SIGN_IN);
  const [error, setError] = useState<string | null>(
    params.get('reason') === 'role' ? 'Your account cannot open that page. Sign in with another account.' : null,
  );
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const result = await signIn({ email: String(form.get('email')), password: String(form.get('password')) });
    if (result.data) {
      location.assign(safeNext(params.get('next')) ?? HOME_BY_ROLE[result.data.signIn.role]);
      return;
    }
    setError(describeError(result.error)?.message ?? 'Sign-in failed.');
    setBusy(false);
  }

  return (
    <div className="auth-card">
      <Logo />
      <h1>Sign in</h1>
      <p className="muted">Agents, supervisors and admins sign in here.</p>
      <form onSubmit={submit} className="stack">
        <label className="field">
          <span>Email</span>
          <input name="email" type="email" autoComplete="username" required data-testid="login-email" autoFocus />
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
      {demoAccounts.length > 0 && (
        <aside className="hint" data-testid="login-demo-accounts">
          <strong>Demo accounts</strong> (password <code>{DEMO_PASSWORD}</code>):{' '}
          {demoAccounts.map((email, index) => (
            <span key={email}>
              {index > 0 && ', '}
              <code>{email}</code>
            </span>
          ))}
        </aside>
      )}
    </div>
  );
}
