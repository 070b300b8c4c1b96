'use client';

import { useState, type FormEvent } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import type { InvitationFieldsFragment, SessionSummaryFieldsFragment } from '../../graphql/generated/client/graphql';
import { describeError } from '../lib/graphql-client';
import {
  INVITATION_UPDATES,
  INVITATIONS_ALLOWED,
  INVITE_CUSTOMER,
  JOIN_INVITED_SESSION,
  REACHABLE_CUSTOMER,
} from '../lib/invitation-documents';
import { useStreamEvents } from '../lib/use-stream-events';
import type { NoticeTone } from './notices';
import './customer-invite.css';

type Identity = { email: string } | { accountId: string };

/** What the lookup found: who, and the sites they are on now (none: not online). */
interface Found {
  identity: Identity;
  label: string;
  sites: string[];
}

const identityOf = (typed: string): Identity => (typed.includes('@') ? { email: typed } : { accountId: typed });

/**
 * Finding a customer who is on the site now by the identity the site signed, and asking them to
 * co-browse. The customer's widget shows this agent's name with Accept and Decline; on Accept the
 * server names the session they started and this page opens it, on Decline or no answer it says so.
 * Shown only while requests are on for the site and the agent's role may send them.
 */
export function CustomerInvite({
  notify,
  onJoined,
}: {
  notify: (tone: NoticeTone, text: string) => void;
  onJoined: (session: SessionSummaryFieldsFragment) => void;
}) {
  const client = useClient();
  const [{ data: allowed }] = useQuery({ query: INVITATIONS_ALLOWED });
  const [, invite] = useMutation(INVITE_CUSTOMER);
  const [, joinInvited] = useMutation(JOIN_INVITED_SESSION);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [found, setFound] = useState<Found | null>(null);
  const [waiting, setWaiting] = useState<InvitationFieldsFragment | null>(null);

  useStreamEvents(
    INVITATION_UPDATES,
    waiting ? { invitationId: waiting.id } : null,
    ({ invitationUpdates: update }) => {
      if (update.status === 'PENDING') return;
      setWaiting(null);
      if (update.status === 'DECLINED') notify('warning', `${found?.label ?? 'The customer'} declined your request to co-browse.`);
      else if (update.status === 'EXPIRED') notify('warning', `No answer from ${found?.label ?? 'the customer'}: the request expired.`);
      else if (update.sessionId) void open(update.sessionId);
    },
    (message) => message && notify('error', message),
  );

  async function open(sessionId: string) {
    const result = await joinInvited({ sessionId });
    const error = describeError(result.error);
    const joined = result.data?.joinInvitedSession;
    if (error || !joined) return notify('error', error?.message ?? 'Could not open the customer’s session.');
    setFound(null);
    setTyped('');
    onJoined(joined);
  }

  async function lookUp(event: FormEvent) {
    event.preventDefault();
    const label = typed.trim();
    if (busy || !label) return;
    setBusy(true);
    const identity = identityOf(label);
    const result = await client.query(REACHABLE_CUSTOMER, identity, { requestPolicy: 'network-only' }).toPromise();
    setBusy(false);
    const error = describeError(result.error);
    if (error || !result.data) return notify('error', error?.message ?? 'Could not look the customer up.');
    setFound({ identity, label, sites: result.data.reachableCustomer.sites });
  }

  async function ask() {
    if (!found || busy) return;
    setBusy(true);
    const result = await invite({ input: { ...found.identity, site: found.sites[0] } });
    setBusy(false);
    const error = describeError(result.error);
    if (error || !result.data) return notify('error', error?.message ?? 'Could not send the request.');
    setWaiting(result.data.inviteCustomer);
  }

  if (allowed?.invitationsAllowed !== true) return null;
  const online = found !== null && found.sites.length > 0;
  return (
    <section className="customer-invite" aria-labelledby="customer-invite-title" data-testid="customer-lookup">
      <h3 id="customer-invite-title">Ask a customer on the site</h3>
      <p className="muted small">Customers signed in on the site (with a verified identity) can be asked to co-browse.</p>
      <form className="customer-invite-form" onSubmit={lookUp}>
        <label htmlFor="customer-lookup" className="visually-hidden">
          Customer e-mail or account ID
        </label>
        <input
          id="customer-lookup"
          className="customer-invite-input"
          autoComplete="off"
          maxLength={254}
          placeholder="Customer e-mail or account ID"
          value={typed}
          onChange={(event) => {
            setTyped(event.target.value);
            setFound(null);
          }}
          disabled={waiting !== null}
          data-testid="customer-lookup-input"
        />
        <button
          type="submit"
          className="button"
          disabled={busy || waiting !== null || typed.trim() === ''}
          data-testid="customer-lookup-submit"
        >
          Look up
        </button>
      </form>
      {found && (
        <div className={`customer-invite-result ${online ? 'online' : 'offline'}`} role="status" data-testid="customer-lookup-result">
          <span className="customer-invite-dot" aria-hidden="true" />
          <span className="customer-invite-who">
            <strong>{found.label}</strong>
            <span className="muted small">{online ? `Online now on ${found.sites.map(hostOf).join(', ')}` : 'Not on the site now'}</span>
          </span>
          {online && (
            <button
              type="button"
              className="button primary"
              onClick={ask}
              disabled={busy || waiting !== null}
              data-testid="customer-request-cobrowse"
            >
              {waiting ? 'Waiting for an answer…' : 'Ask to co-browse'}
            </button>
          )}
        </div>
      )}
    </section>
  );
}

const hostOf = (origin: string) => {
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
};
