import Link from 'next/link';
import { Logo } from './lib/logo';

export default function Home() {
  return (
    <main className="auth-page">
      <div className="auth-card wide">
        <Logo />
        <h1>Live co-browsing for support teams</h1>
        <p className="muted">
          Customers share their page with one click; agents see it live — a DOM mirror, not a video — and point the way. Sensitive fields
          are masked in the customer’s browser.
        </p>
        <nav className="link-grid">
          <Link href="/demo" className="link-card">
            <strong>Demo site</strong>
            <span>Play the customer: click Start Co-browse.</span>
          </Link>
          <Link href="/agent" className="link-card">
            <strong>Agent desktop</strong>
            <span>Join a session by its ID.</span>
          </Link>
          <Link href="/login" className="link-card">
            <strong>Sign in</strong>
            <span>Agents, supervisors, admins.</span>
          </Link>
        </nav>
      </div>
    </main>
  );
}
