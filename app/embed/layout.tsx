import type { ReactNode } from 'react';
import './embed.css';

// Rendered per request, so Next can put this request's Content-Security-Policy nonce on its
// scripts (server/http/security-headers.ts), and the page reads the embedding sites of this request.
export const dynamic = 'force-dynamic';

export default function EmbedLayout({ children }: { children: ReactNode }) {
  return children;
}
