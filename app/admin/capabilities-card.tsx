'use client';

import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { CAPABILITIES, type Capabilities, type Capability, type CapabilityRole } from '../../protocol/guided-mode';
import { SITE_CAPABILITIES, UPDATE_SITE_CAPABILITIES } from '../lib/guided-documents';
import { describeError } from '../lib/graphql-client';
import './capabilities-card.css';
import { OutcomeMessage, type Outcome } from './outcome-message';

const TOOLS: Record<Capability, { title: string; help: string }> = {
  point: { title: 'Point', help: 'The pointer and its click rings.' },
  annotate: { title: 'Annotate', help: 'Draw, laser and highlight (outline) marks.' },
  scroll: { title: 'Scroll', help: 'Scroll the customer’s page, in Guided Mode.' },
  control: { title: 'Click and type', help: 'In Write Mode.' },
  navigate: { title: 'Navigate', help: 'Back, forward, refresh, addresses: in Write Mode.' },
  invite: { title: 'Ask to co-browse', help: 'Ask a verified customer on the site to start a session (invitations on).' },
};

const ROLES: { role: CapabilityRole; name: string }[] = [
  { role: 'agent', name: 'Agents' },
  { role: 'supervisor', name: 'Supervisors (watching)' },
];

type Roles = Record<CapabilityRole, Capabilities>;

/** What acts for the customer with their Write Mode consent stays with the session's agent. */
const agentOnly = (role: CapabilityRole, name: Capability) => role === 'supervisor' && (name === 'control' || name === 'navigate');

/**
 * Which tools each role may use in a session. The customer still consents to Guided and Write
 * Mode; a tool turned off here is hidden from the role and refused by the server.
 */
export function CapabilitiesCard() {
  const [loaded] = useQuery({ query: SITE_CAPABILITIES });
  const [, save] = useMutation(UPDATE_SITE_CAPABILITIES);
  const [draft, setDraft] = useState<Roles | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [saving, setSaving] = useState(false);
  const shown = draft ?? loaded.data?.siteSettings.capabilities ?? null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!shown) return;
    setSaving(true);
    const pick = (role: CapabilityRole) => Object.fromEntries(CAPABILITIES.map((name) => [name, shown[role][name]]));
    const result = await save({ capabilities: { agent: pick('agent'), supervisor: pick('supervisor') } });
    setSaving(false);
    if (!result.data) return setOutcome({ tone: 'error', text: describeError(result.error)?.message ?? 'Could not save.' });
    setDraft(result.data.updateSiteSettings.capabilities);
    setOutcome({ tone: 'success', text: 'Saved. Agents’ pages follow within seconds; the server refuses a tool turned off at once.' });
  }

  const set = (role: CapabilityRole, name: Capability, on: boolean) =>
    shown && setDraft({ ...shown, [role]: { ...shown[role], [name]: on } });

  return (
    <form className="settings-card" aria-labelledby="capabilities-heading" onSubmit={submit}>
      <h2 id="capabilities-heading">Tools in a session</h2>
      <p className="muted small">
        What each role may use. The customer still approves Guided Mode (scroll and highlight) and Write Mode (click, type, navigate).
      </p>
      <table className="capabilities">
        <thead>
          <tr>
            <th scope="col">Tool</th>
            {ROLES.map(({ role, name }) => (
              <th key={role} scope="col">
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {CAPABILITIES.map((name) => (
            <tr key={name}>
              <th scope="row">
                <strong>{TOOLS[name].title}</strong>
                <span className="muted small">{TOOLS[name].help}</span>
              </th>
              {ROLES.map(({ role, name: roleName }) => (
                <td key={role}>
                  <input
                    type="checkbox"
                    aria-label={`${TOOLS[name].title} for ${roleName}`}
                    checked={shown?.[role][name] ?? false}
                    disabled={!shown || agentOnly(role, name)}
                    title={agentOnly(role, name) ? 'Only the session’s agent clicks, types and navigates for the customer.' : undefined}
                    onChange={(event) => set(role, name, event.target.checked)}
                    data-testid={`admin-capability-${role}-${name}`}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="settings-actions">
        <OutcomeMessage outcome={outcome} testId="admin-capabilities-message" />
        <button type="submit" className="button primary" disabled={saving || !shown} data-testid="admin-capabilities-save">
          {saving ? 'Saving…' : 'Save tools'}
        </button>
      </div>
    </form>
  );
}
