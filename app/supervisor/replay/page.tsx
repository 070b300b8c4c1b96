import type { Metadata } from 'next';
import { Suspense } from 'react';
import { SessionReplay } from './session-replay';

export const metadata: Metadata = { title: 'Session replay · Cobrowse' };

// The custom server lets only supervisors and admins reach this page.
export default function ReplayPage() {
  return (
    <Suspense>
      <SessionReplay />
    </Suspense>
  );
}
