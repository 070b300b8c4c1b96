'use client';

import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { SITE_SETTINGS, UPDATE_SITE_SETTINGS, type SiteSettings } from '../lib/documents';
import { createGraphQLClients, describeError } from '../lib/graphql-client';
import { TopBar } from '../lib/top-bar';

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** Site rules for co-browsing: Write Mode on/off (R11) and controls agents may not use (R14, R23). */
export function AdminSettings() {
  const { urql } = useMemo(() => createGraphQLClients(), []);
  const [settings, setSettings] = useState<SiteSettings | null>(null);
  const [writeModeEnabled, setWriteModeEnabled] = useState(true);
  const [selectors, setSelectors] = useState('');
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    void urql
      .query<{ siteSettings: SiteSettings }>(SITE_SETTINGS, {})
      .toPromise()
      .then((result) => {
        if (!result.data)
          return setMessage({ tone: 'error', text: describeError(result.error)?.message ?? 'Could not load the settings.' });
        setSettings(result.data.siteSettings);
        setWriteModeEnabled(result.data.siteSettings.writeModeEnabled);
        setSelectors(result.data.siteSettings.disabledSelectors.join('\n'));
      });
  }, [urql]);

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    const result = await urql
      .mutation<{
        updateSiteSettings: SiteSettings;
      }>(UPDATE_SITE_SETTINGS, { input: { writeModeEnabled, disabledSelectors: lines(selectors) } })
      .toPromise();
    setSaving(false);
    if (!result.data) return setMessage({ tone: 'error', text: describeError(result.error)?.message ?? 'Could not save.' });
    setSettings(result.data.updateSiteSettings);
    setMessage({ tone: 'success', text: 'Saved. The new rules apply from the next co-browse session.' });
  }

  return (
    <div className="app-shell">
      <TopBar urql={urql} status="Admin" />
      <main className="admin-main">
        <form className="settings-card" onSubmit={save}>
          <h1>Co-browse rules</h1>
          <label className="toggle">
            <input
              type="checkbox"
              checked={writeModeEnabled}
              onChange={(event) => setWriteModeEnabled(event.target.checked)}
              data-testid="admin-write-mode"
            />
            <span>
              <strong>Allow Write Mode</strong>
              <span className="muted small">
                Agents may ask customers for permission to click and type. When off, agents only see and point.
              </span>
            </span>
          </label>
          <label className="field">
            <span>Controls agents may not use (one CSS selector per line)</span>
            <textarea
              rows={5}
              value={selectors}
              onChange={(event) => setSelectors(event.target.value)}
              placeholder="#delete-account"
              data-testid="admin-disabled-selectors"
            />
          </label>
          {settings && (
            <p className="muted small">
              Always disabled for agents: <code>{settings.defaultDisabledSelectors.join(', ')}</code>. Disabled controls show a green border
              in the agent’s view.
            </p>
          )}
          {message && (
            <p
              className={message.tone === 'error' ? 'alert' : 'success-text'}
              role={message.tone === 'error' ? 'alert' : 'status'}
              data-testid="admin-message"
            >
              {message.text}
            </p>
          )}
          <button type="submit" className="button primary" disabled={saving || !settings} data-testid="admin-save">
            {saving ? 'Saving…' : 'Save rules'}
          </button>
        </form>
      </main>
    </div>
  );
}
