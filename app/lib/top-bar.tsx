'use client';

import type { Client } from '@urql/core';
import { SIGN_OUT } from './documents';
import { Logo } from './logo';

/** The product header on signed-in pages: logo, a status pill, who is signed in, sign out. */
export function TopBar({
  urql,
  status,
  statusTone = 'up',
  who,
}: {
  urql: Client;
  status: string;
  statusTone?: 'up' | 'down';
  who?: string | null;
}) {
  async function signOut() {
    await urql.mutation(SIGN_OUT, {}).toPromise();
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
