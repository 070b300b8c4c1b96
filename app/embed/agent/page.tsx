import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { EmbedAgentView } from './embed-agent-view';

export const metadata: Metadata = { title: 'Agent view · Cobrowse' };

/** Set by the server on every request for this page (server/http/security-headers.ts), over anything a client sent. */
const EMBED_ORIGINS_HEADER = 'x-cobrowse-embed-origins';

// The agent view for another site's frame: the same sign-in as /agent, and a postMessage bridge
// that talks only to the sites an admin allowed to frame it.
export default async function EmbedAgentPage() {
  const origins = ((await headers()).get(EMBED_ORIGINS_HEADER) ?? '').split(' ').filter(Boolean);
  return <EmbedAgentView origins={origins} />;
}
