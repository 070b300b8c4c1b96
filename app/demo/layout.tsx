import type { Metadata } from 'next';
import Link from 'next/link';
import Script from 'next/script';
import type { ReactNode } from 'react';
import './demo.css';

export const metadata: Metadata = { title: 'Northwind Bank' };

/** The sample company site: it embeds the widget exactly as a customer's site would. */
export default function DemoLayout({ children }: { children: ReactNode }) {
  return (
    <div className="nw-site">
      <header className="nw-header">
        <Link href="/demo" className="nw-brand" data-testid="demo-nav-home">
          <img src="/demo/logo.svg" alt="" width={36} height={36} />
          <span>Northwind Bank</span>
        </Link>
        <nav className="nw-nav" aria-label="Main">
          <Link href="/demo" data-testid="demo-nav-home-link">
            Accounts
          </Link>
          <Link href="/demo/apply" data-testid="demo-nav-apply">
            Apply
          </Link>
          <Link href="/demo/help" data-testid="demo-nav-help">
            Help
          </Link>
        </nav>
      </header>
      <main className="nw-main">{children}</main>
      <footer className="nw-footer">
        <span>© Northwind Bank — a demo site for Cobrowse.</span>
        <a href="https://example.org" data-testid="demo-offsite-link">
          Our partner site ↗
        </a>
      </footer>
      <Script src="/widget.js" strategy="afterInteractive" />
    </div>
  );
}
