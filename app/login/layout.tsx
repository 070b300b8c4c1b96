import type { ReactNode } from 'react';

// Rendered per request, so Next can put this request's Content-Security-Policy nonce on its
// scripts (server/http/security-headers.ts); a page prerendered at build time could not carry one.
export const dynamic = 'force-dynamic';

export default function LoginLayout({ children }: { children: ReactNode }) {
  return children;
}
