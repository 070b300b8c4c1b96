import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { EMBED_ORIGINS_HEADER } from '../../../protocol/embed-bridge';
import { EmbedAgentView } from './embed-agent-view';

export const metadata: Metadata = { title: 'Agent view · Cobrowse' };

// The agent view for another site's frame: the same sign-in as /agent, and a postMessage bridge
// that talks only to the sites an admin allowed to frame it.
export default async function EmbedAgentPage() {
  const origins = ((await headers()).get(EMBED_ORIGINS_HEADER) ?? '').split(' ').filter(Boolean);
  return <EmbedAgentView origins={origins} />;
}
