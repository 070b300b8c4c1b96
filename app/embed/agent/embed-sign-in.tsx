'use client';

import { useMutation } from 'urql';
import { CredentialsForm, type Credentials } from '../../lib/credentials-form';
import { EMBEDDED_SIGN_IN } from '../../lib/documents';
import { describeError } from '../../lib/graphql-client';
import { Logo } from '../../lib/logo';

/**
 * Sign-in inside the frame. Browsers do not send the agent page's cookie to a frame under another
 * site, so the agent signs in here once per CRM: the cookie this sets is kept for that site only.
 */
export function EmbedSignIn() {
  const [, signIn] = useMutation(EMBEDDED_SIGN_IN);

  async function signInAsAgent(credentials: Credentials) {
    const result = await signIn(credentials);
    if (result.data?.signIn.role !== 'AGENT') {
      return result.data
        ? 'This view is for agents. Sign in with an agent account.'
        : (describeError(result.error)?.message ?? 'Sign-in failed.');
    }
    location.reload(); // the page's socket starts again with the new cookie
    return null;
  }

  return (
    <main className="embed-sign-in">
      <div className="auth-card">
        <Logo />
        <h1>Sign in to co-browse</h1>
        <CredentialsForm signIn={signInAsAgent} />
      </div>
    </main>
  );
}
