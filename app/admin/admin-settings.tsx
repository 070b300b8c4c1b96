'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { RULE_LISTS, SITE_SETTINGS, UPDATE_SITE_SETTINGS, type RuleList, type SiteSettings } from '../lib/documents';
import { describeError } from '../lib/graphql-client';
import { TopBar } from '../lib/top-bar';
import { AdminNav } from './admin-nav';
import { IdentitySecretCard } from './identity-secret';
import { CapabilitiesCard } from './capabilities-card';
import { OutcomeMessage, type Outcome } from './outcome-message';

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** What each list is for, in the admin's words. */
const LIST_COPY: Record<RuleList, { title: string; help: string; placeholder: string }> = {
  maskedFieldSelectors: {
    title: 'Masked fields',
    help: 'Inputs whose characters agents see as ****, and elements whose text they see as ****. Purple border in the agent’s view.',
    placeholder: '#account-number\n.balance',
  },
  maskedElementSelectors: {
    title: 'Masked elements',
    help: 'Whole elements replaced by a placeholder of the same size; nothing inside them is sent.',
    placeholder: '.statement-table',
  },
  maskedImageSelectors: {
    title: 'Masked images',
    help: 'Images shown to agents as a grey area of the same size; their address is never sent.',
    placeholder: 'img.id-card',
  },
  maskedCanvasSelectors: {
    title: 'Masked canvases',
    help: 'Canvases (charts, signatures, maps) shown to agents as a grey area of the same size; none of their pixels are sent.',
    placeholder: 'canvas.signature',
  },
  maskedPagePatterns: {
    title: 'Masked pages',
    help: 'Pages hidden from agents entirely. A path or URL where * matches anything, e.g. /account/* or https://shop.example/checkout*.',
    placeholder: '/account/*',
  },
  keptQueryParameters: {
    title: 'Query parameters agents may see',
    help: 'Page addresses reach agents, recordings and the audit trail without their query string and fragment, which often hold reset tokens or e-mail addresses. Parameters named here are kept, e.g. page or product.',
    placeholder: 'page',
  },
  allowedOrigins: {
    title: 'Allowed sites',
    help: 'Sites that may embed the widget and that agents may open in Write Mode, e.g. https://shop.example. This server’s own pages are always allowed.',
    placeholder: 'https://shop.example',
  },
  embedOrigins: {
    title: 'Sites that may embed the agent view',
    help: 'Your CRM or helpdesk, e.g. https://crm.example: its pages may frame the agent view at /embed/agent and drive it by postMessage. No other site may frame it.',
    placeholder: 'https://crm.example',
  },
  frameOrigins: {
    title: 'Frames of other sites agents may see',
    help: 'A payment or booking form your pages frame from another site, e.g. https://pay.example. Its page must load the widget with Cobrowse.init({ frame: true }); it then records itself under this site’s masking rules and shows only to agents of sessions on your allowed sites. Any other site’s frame shows agents a labelled placeholder.',
    placeholder: 'https://pay.example',
  },
  disabledSelectors: {
    title: 'Controls agents may not use',
    help: 'Green border in the agent’s view; agent clicks on them do nothing. The customer can always use them.',
    placeholder: '#delete-account',
  },
};

type Drafts = Record<RuleList, string>;

const draftsOf = (settings: SiteSettings): Drafts =>
  Object.fromEntries(RULE_LISTS.map((list) => [list, settings[list].join('\n')])) as Drafts;

function RuleListField({
  list,
  value,
  builtIn,
  onChange,
}: {
  list: RuleList;
  value: string;
  builtIn: string[];
  onChange: (value: string) => void;
}) {
  const copy = LIST_COPY[list];
  return (
    <label className="field rule-list">
      <span className="rule-title">{copy.title}</span>
      <span className="muted small">{copy.help} One per line.</span>
      <textarea
        rows={3}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        placeholder={copy.placeholder}
        spellCheck={false}
        data-testid={`admin-${list}`}
      />
      {builtIn.length > 0 && (
        <span className="built-in small">
          Always on:{' '}
          {builtIn.map((entry) => (
            <code key={entry}>{entry}</code>
          ))}
        </span>
      )}
    </label>
  );
}

function Toggle({
  checked,
  onChange,
  testId,
  title,
  help,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  testId: string;
  title: string;
  help: string;
}) {
  return (
    <label className="toggle">
      <input type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} data-testid={testId} />
      <span>
        <strong>{title}</strong>
        <span className="muted small">{help}</span>
      </span>
    </label>
  );
}

/** Site rules for co-browsing: masking, Write Mode on or off, controls agents may not use, session recording. */
export function AdminSettings() {
  const [loaded] = useQuery({ query: SITE_SETTINGS });
  const [, updateSettings] = useMutation(UPDATE_SITE_SETTINGS);
  const [settings, setSettings] = useState<SiteSettings | null>(null);
  const [writeModeEnabled, setWriteModeEnabled] = useState(true);
  const [handoverEnabled, setHandoverEnabled] = useState(false);
  const [invitationsEnabled, setInvitationsEnabled] = useState(false);
  const [recordingEnabled, setRecordingEnabled] = useState(false);
  const [captureAssets, setCaptureAssets] = useState(true);
  const [drafts, setDrafts] = useState<Drafts | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const message =
    outcome ?? (loaded.error ? { tone: 'error', text: describeError(loaded.error)?.message ?? 'Could not load the settings.' } : null);
  const [saving, setSaving] = useState(false);

  const show = (saved: SiteSettings) => {
    setSettings(saved);
    setWriteModeEnabled(saved.writeModeEnabled);
    setHandoverEnabled(saved.handoverEnabled);
    setInvitationsEnabled(saved.invitationsEnabled);
    setRecordingEnabled(saved.recordingEnabled);
    setCaptureAssets(saved.captureAssets);
    setDrafts(draftsOf(saved));
  };

  // The first answer fills the form; later ones come from saving.
  if (loaded.data && !settings) show(loaded.data.siteSettings);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!drafts) return;
    setSaving(true);
    const lists = Object.fromEntries(RULE_LISTS.map((list) => [list, lines(drafts[list])]));
    const result = await updateSettings({
      input: { writeModeEnabled, handoverEnabled, invitationsEnabled, recordingEnabled, captureAssets, ...lists },
    });
    setSaving(false);
    // A rejected entry saves nothing and keeps the admin's text as typed, to fix and save again.
    if (!result.data) return setOutcome({ tone: 'error', text: describeError(result.error)?.message ?? 'Could not save.' });
    show(result.data.updateSiteSettings);
    setOutcome({ tone: 'success', text: 'Saved. The new rules apply from the next co-browse session or page load.' });
  }

  const listField = (list: RuleList) =>
    drafts &&
    settings && (
      <RuleListField
        key={list}
        list={list}
        value={drafts[list]}
        builtIn={settings.builtIn[list]}
        onChange={(value) => setDrafts({ ...drafts, [list]: value })}
      />
    );

  return (
    <div className="app-shell">
      <TopBar status="Admin" />
      <AdminNav />
      <main className="admin-main">
        <form className="settings-stack" onSubmit={save}>
          <section className="settings-card">
            <header className="settings-head">
              <div>
                <h1>Sensitive data</h1>
                <p className="muted small">
                  Masking happens in the customer’s browser: a masked value never reaches our servers or the agent.
                </p>
              </div>
              <Link href="/admin/preview" className="button ghost small" data-testid="admin-open-preview">
                Preview what agents see
              </Link>
            </header>
            {listField('maskedFieldSelectors')}
            {listField('maskedElementSelectors')}
            {listField('maskedImageSelectors')}
            {listField('maskedCanvasSelectors')}
            {listField('maskedPagePatterns')}
            {listField('keptQueryParameters')}
          </section>

          <section className="settings-card">
            <h2>Agent control</h2>
            <Toggle
              checked={writeModeEnabled}
              onChange={setWriteModeEnabled}
              testId="admin-write-mode"
              title="Allow Write Mode"
              help="Agents may ask customers for permission to click and type. When off, agents only see and point."
            />
            <Toggle
              checked={handoverEnabled}
              onChange={setHandoverEnabled}
              testId="admin-handover"
              title="Allow hand-over between agents"
              help="An agent may offer their session to another online agent, who accepts or declines; a supervisor watching a session may take it over. The customer is told who took over."
            />
            <Toggle
              checked={invitationsEnabled}
              onChange={setInvitationsEnabled}
              testId="admin-invitations"
              title="Agents may ask customers to co-browse"
              help="On pages that pass a signed customer identity and ask for it (Cobrowse.init({ invitations: true })), an agent may look the customer up and ask to co-browse; the customer accepts or declines, and nothing is shared before they accept."
            />
            {listField('disabledSelectors')}
          </section>

          <section className="settings-card">
            <h2>Sites</h2>
            {listField('allowedOrigins')}
            {listField('embedOrigins')}
            {listField('frameOrigins')}
            <Toggle
              checked={captureAssets}
              onChange={setCaptureAssets}
              testId="admin-capture-assets"
              title="Send the page’s fonts and images to agents"
              help="Fonts and the site’s own images that agents’ browsers cannot load (no CORS header, or behind a login) are sent from the customer’s browser and kept on this server for signed-in staff. Masked images are never sent."
            />
          </section>

          <section className="settings-card">
            <h2>Recording</h2>
            <Toggle
              checked={recordingEnabled}
              onChange={setRecordingEnabled}
              testId="admin-recording"
              title="Keep session recordings"
              help="Stores each session’s masked page stream so supervisors can replay it after it ends."
            />
          </section>

          <div className="settings-actions">
            <OutcomeMessage outcome={message} testId="admin-message" />
            <button type="submit" className="button primary" disabled={saving || !settings} data-testid="admin-save">
              {saving ? 'Saving…' : 'Save rules'}
            </button>
          </div>
        </form>
        <div className="settings-stack">
          <CapabilitiesCard />
          <IdentitySecretCard />
        </div>
      </main>
    </div>
  );
}
