import type { Metadata } from 'next';
import { ApiKeys } from './api-keys';

export const metadata: Metadata = { title: 'API keys · Cobrowse' };

// The custom server lets only signed-in admins reach this page.
export default function ApiKeysPage() {
  return <ApiKeys />;
}
