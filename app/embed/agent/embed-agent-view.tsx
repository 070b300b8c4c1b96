'use client';

import { useEffect, useState } from 'react';
import { useQuery } from 'urql';
import { AgentDesktop } from '../../agent/agent-desktop';
import { ME } from '../../lib/documents';
import { createEmbedBridge } from './embed-bridge';
import { EmbedSignIn } from './embed-sign-in';

/** The agent desktop for a CRM's frame: sign-in inside the frame, then the desktop with its bridge to the framing page. */
export function EmbedAgentView({ origins }: { origins: string[] }) {
  const [{ data }] = useQuery({ query: ME });
  // Only inside a frame is there a host to talk to; opened on its own the view is a plain agent desktop.
  const [bridge] = useState(() =>
    typeof window !== 'undefined' && window.parent !== window ? createEmbedBridge(origins, window.parent) : null,
  );
  const agent = data?.me?.role === 'AGENT';
  const known = data !== undefined;
  // Ready once the sign-in is known, not again whenever the query refreshes.
  useEffect(() => (known && bridge ? bridge.start(agent) : undefined), [bridge, known, agent]);

  if (!data) return <p className="embed-loading">Loading…</p>;
  if (!agent) return <EmbedSignIn />;
  return <AgentDesktop embedded bridge={bridge?.desktop} />;
}
