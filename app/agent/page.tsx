import type { Metadata } from 'next';
import { AgentDesktop } from './agent-desktop';

export const metadata: Metadata = { title: 'Agent desktop · Cobrowse' };

// The custom server lets only signed-in agents reach this page.
export default function AgentPage() {
  return <AgentDesktop />;
}
