'use client';

import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useQuery } from 'urql';
import type { PreviewMessage, SessionRules } from '../../../protocol/messages';
import type { StageHandle } from '../../agent/cobrowse-stage';
import { ReadOnlyStage } from '../../agent/read-only-stage';
import { RULE_LISTS, SITE_SETTINGS, type SiteSettings } from '../../lib/documents';
import { describeError } from '../../lib/graphql-client';
import { TopBar } from '../../lib/top-bar';
import { AdminNav } from '../admin-nav';

/** The framed page is laid out at a common laptop size, as a customer would see it. */
const SOURCE_SIZE = { width: 1280, height: 800 };
/** How long a framed page has to answer before the admin is told the widget is missing. */
const ANSWER_TIMEOUT_MS = 8000;

/** The rules a session would run under: the built-in ones plus the admin's, as the server sends them. */
const rulesOf = (settings: SiteSettings): SessionRules => ({
  writeModeEnabled: settings.writeModeEnabled,
  // The preview acts on nothing: no agent's tool reaches the framed page.
  capabilities: { point: false, annotate: false, scroll: false, control: false, navigate: false, invite: false },
  captureAssets: false,
  ...(Object.fromEntries(RULE_LISTS.map((list) => [list, [...settings.builtIn[list], ...settings[list]]])) as Record<
    (typeof RULE_LISTS)[number],
    string[]
  >),
});

/**
 * The masking preview: shows any page of the site exactly as an agent would see it, before any customer session.
 * The page loads in an off-screen frame; its own widget records it under the saved rules and
 * posts the events here, where the agent's co-browse view replays them with its borders.
 */
export function MaskingPreview() {
  const [loaded] = useQuery({ query: SITE_SETTINGS });
  const settings = loaded.data?.siteSettings;
  const rules = useMemo(() => (settings ? rulesOf(settings) : null), [settings]);
  const [address, setAddress] = useState('');
  const [url, setUrl] = useState<string | null>(null);
  const [pageStatus, setStatus] = useState<{ tone: 'info' | 'error'; text: string } | null>(null);
  const status =
    pageStatus ?? (loaded.error ? { tone: 'error', text: describeError(loaded.error)?.message ?? 'Could not load the rules.' } : null);
  const frameRef = useRef<HTMLIFrameElement>(null);
  const stage = useRef<StageHandle | null>(null);

  useEffect(() => {
    const start = `${location.origin}/demo/apply`;
    setAddress(start);
    setUrl(start);
  }, []);

  useEffect(() => {
    if (!url || !rules) return;
    const origin = new URL(url).origin;
    setStatus({ tone: 'info', text: 'Loading the page…' });
    const timer = setTimeout(
      () => setStatus({ tone: 'error', text: 'The page did not answer. Is the co-browse widget on it, and may it be framed?' }),
      ANSWER_TIMEOUT_MS,
    );
    const onMessage = (event: MessageEvent<PreviewMessage>) => {
      if (event.source !== frameRef.current?.contentWindow || event.origin !== origin) return;
      if (event.data?.type === 'cobrowse-preview-ready') {
        clearTimeout(timer);
        setStatus(null);
        frameRef.current.contentWindow?.postMessage({ type: 'cobrowse-preview-rules', rules } satisfies PreviewMessage, origin);
      } else if (event.data?.type === 'cobrowse-preview-events') {
        stage.current?.addEvents(event.data.batch.events);
      }
    };
    addEventListener('message', onMessage);
    return () => {
      clearTimeout(timer);
      removeEventListener('message', onMessage);
    };
  }, [url, rules]);

  function open(event: FormEvent) {
    event.preventDefault();
    try {
      const next = new URL(address.trim(), location.origin);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new Error('not a web address');
      setAddress(next.href);
      setUrl(next.href);
    } catch {
      setStatus({ tone: 'error', text: `“${address}” is not a web address.` });
    }
  }

  return (
    <div className="app-shell">
      <TopBar status="Admin" />
      <AdminNav />
      <main className="preview-main">
        <header className="preview-head">
          <div>
            <h1>Masking preview</h1>
            <p className="muted small">Exactly what an agent would see of a page, under the saved rules. No customer session is started.</p>
          </div>
          <ul className="legend small" aria-label="Legend">
            <li>
              <span className="swatch masked" /> Masked
            </li>
            <li>
              <span className="swatch image" /> Masked image
            </li>
            <li>
              <span className="swatch disabled" /> Disabled for agents
            </li>
          </ul>
        </header>
        <section className="browser preview-browser" aria-label="What an agent sees">
          <form className="browser-bar" onSubmit={open}>
            <input
              className="address"
              value={address}
              onChange={(event) => setAddress(event.target.value)}
              aria-label="Page address"
              data-testid="preview-url"
            />
            <button type="submit" className="button primary small" data-testid="preview-open">
              Preview
            </button>
          </form>
          {status && (
            <p className={`preview-status ${status.tone}`} role={status.tone === 'error' ? 'alert' : 'status'} data-testid="preview-status">
              {status.text}
            </p>
          )}
          {url && rules && (
            <ReadOnlyStage key={url} disabledSelectors={rules.disabledSelectors} onReady={(handle) => (stage.current = handle)} />
          )}
        </section>
        {url && rules && (
          <iframe
            key={url}
            ref={frameRef}
            src={url}
            className="preview-source"
            style={SOURCE_SIZE}
            title="Page being previewed"
            aria-hidden
            tabIndex={-1}
          />
        )}
      </main>
    </div>
  );
}
