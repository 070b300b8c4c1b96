'use client';

import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { AgentAction } from '../../protocol/messages';

type Navigation = Extract<AgentAction, { kind: 'navigate' | 'open' }>;

/** The virtual browser's bar: back, forward, refresh and the address, usable in Write Mode. */
export function NavigationBar({
  url,
  enabled,
  onNavigate,
  children,
}: {
  url: string | null;
  enabled: boolean;
  onNavigate: (action: Navigation) => void;
  /** Tools that act on the view, at the bar's end (the annotation tools). */
  children?: ReactNode;
}) {
  const [address, setAddress] = useState(url ?? '');
  useEffect(() => setAddress(url ?? ''), [url]);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (address.trim()) onNavigate({ kind: 'open', url: address.trim() });
  }

  const button = (to: 'back' | 'forward' | 'reload', label: string, icon: string) => (
    <button
      type="button"
      className="nav-button"
      disabled={!enabled}
      aria-label={label}
      title={label}
      onClick={() => onNavigate({ kind: 'navigate', to })}
      data-testid={`nav-${to === 'reload' ? 'refresh' : to}`}
    >
      <span aria-hidden="true">{icon}</span>
    </button>
  );

  return (
    <form className="browser-bar" onSubmit={submit}>
      {button('back', 'Back', '←')}
      {button('forward', 'Forward', '→')}
      {button('reload', 'Refresh', '↻')}
      <input
        className="address"
        aria-label="Customer's address"
        value={url ? address : 'No session'}
        readOnly={!enabled}
        onChange={(event) => setAddress(event.target.value)}
        data-testid="nav-url"
      />
      <span hidden data-testid="customer-url">
        {url ?? ''}
      </span>
      {children}
    </form>
  );
}
