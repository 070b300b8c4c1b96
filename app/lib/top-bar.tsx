'use client';

import { useMutation } from 'urql';
import { SIGN_OUT } from './documents';
import { Logo } from './logo';

/** The product header on signed-in pages: logo, a status pill, who is signed in, sign out. */
export function TopBar({ status, statusTone = 'up', who }: { status: string; statusTone?: 'up' | 'down'; who?: string | null }) {
  const [, signOutMutation] = useMutation(SIGN_OUT);
  async function signOut() {
    await signOutMutation({});
    location.assign('/login');
  }
  return (
    <header className="topbar">
      <Logo small />
      <span className={`connection ${statusTone}`}>{status}</span>
      <div className="topbar-end">
        {who && <span className="who">{who}</span>}
        <button type="button" className="button ghost small" onClick={signOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}
