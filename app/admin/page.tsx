import type { Metadata } from 'next';
import { AdminSettings } from './admin-settings';

export const metadata: Metadata = { title: 'Admin · Cobrowse' };

// The custom server lets only signed-in admins reach this page.
export default function AdminPage() {
  return <AdminSettings />;
}
