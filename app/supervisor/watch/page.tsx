import type { Metadata } from 'next';
import { Suspense } from 'react';
import { LiveWatch } from './live-watch';

export const metadata: Metadata = { title: 'Watching a session · Cobrowse' };

// The custom server lets only supervisors and admins reach this page.
export default function WatchPage() {
  return (
    <Suspense>
      <LiveWatch />
    </Suspense>
  );
}
