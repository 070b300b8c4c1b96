import type { Metadata } from 'next';
import { Webhooks } from './webhooks';

export const metadata: Metadata = { title: 'Webhooks · Cobrowse' };

// The custom server lets only signed-in admins reach this page.
export default function WebhooksPage() {
  return <Webhooks />;
}
