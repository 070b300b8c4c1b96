'use client';

import { useSearchParams } from 'next/navigation';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../graphql/generated/client';
import type { Role } from '../../graphql/generated/client/graphql';
import { CredentialsForm, type Credentials } from '../lib/credentials-form';
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

  async function signInAndGoHome(credentials: Credentials) {
    const result = await signIn(credentials);
    if (!result.data) return describeError(result.error)?.message ?? 'Sign-in failed.';
    location.assign(safeNext(params.get('next')) ?? HOME_BY_ROLE[result.data.signIn.role]);
    return null;
  }

  return (
    <div className="auth-card">
      <Logo />
      <h1>Sign in</h1>
      <p className="muted">Agents, supervisors and admins sign in here.</p>
      <CredentialsForm
        signIn={signInAndGoHome}
        initialError={params.get('reason') === 'role' ? 'Your account cannot open that page. Sign in with another account.' : null}
        autoFocus
      />
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
