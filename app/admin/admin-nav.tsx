'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const SECTIONS = [
  { href: '/admin', label: 'Co-browse rules' },
  { href: '/admin/preview', label: 'Masking preview' },
  { href: '/admin/users', label: 'Users' },
  { href: '/admin/api-keys', label: 'API keys' },
  { href: '/admin/webhooks', label: 'Webhooks' },
  { href: '/supervisor', label: 'Sessions' },
];

/** The admin pages' section tabs, under the top bar. */
export function AdminNav() {
  const pathname = usePathname();
  return (
    <nav className="admin-nav" aria-label="Admin sections">
      {SECTIONS.map((section) => (
        <Link
          key={section.href}
          href={section.href}
          className={pathname === section.href ? 'active' : undefined}
          data-testid={`admin-nav-${section.href.split('/').pop()}`}
        >
          {section.label}
        </Link>
      ))}
    </nav>
  );
}
