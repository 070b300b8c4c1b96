import type { Metadata } from 'next';
import { UsersAdmin } from './users';

export const metadata: Metadata = { title: 'Users · Admin · Cobrowse' };

// The custom server lets only signed-in admins reach this page.
export default function UsersPage() {
  return <UsersAdmin />;
}
