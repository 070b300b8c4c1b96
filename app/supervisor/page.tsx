import type { Metadata } from 'next';
import { SessionHistory } from './session-history';

export const metadata: Metadata = { title: 'Sessions · Cobrowse' };

// The custom server lets only supervisors and admins reach this page.
export default function SupervisorPage() {
  return <SessionHistory />;
}
