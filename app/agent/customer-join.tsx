'use client';

import { useState, type FormEvent, type ReactNode } from 'react';
import { useClient, useMutation } from 'urql';
import type { SessionSummaryFieldsFragment, WaitingSessionsOfCustomerQuery } from '../../graphql/generated/client/graphql';
import { JOIN_SESSION_BY_CUSTOMER } from '../lib/documents';
import { describeError } from '../lib/graphql-client';
import { WAITING_SESSIONS_OF_CUSTOMER } from '../lib/identity-documents';
import { UnverifiedBadge } from './customer-card';

type Identity = { email: string } | { accountId: string };
type Choice = WaitingSessionsOfCustomerQuery['waitingSessionsOfCustomer'][number];

/** Where a join by customer stands: choosing among several sessions, or confirming digits of one. */
interface Pending {
  identity: Identity;
  choices: Choice[] | null;
  /** The session the digits are for (null: the one session that matched). */
  sessionId: string | null;
  needDigits: boolean;
}

const DIGITS = 4;

/**
 * Joining by a customer's e-mail or account ID. The identity may be what a page claimed, so the
 * server asks for a choice when several sessions match, and for the last digits of the session ID
 * when the identity is unverified; this walks the agent through both.
 */
export function useCustomerJoin({
  notify,
  onJoined,
}: {
  notify: (tone: 'error' | 'info', text: string) => void;
  onJoined: (session: SessionSummaryFieldsFragment) => void;
}): { begin: (typed: string) => Promise<void>; panel: ReactNode } {
  const client = useClient();
  const [, joinByCustomer] = useMutation(JOIN_SESSION_BY_CUSTOMER);
  const [pending, setPending] = useState<Pending | null>(null);
  const [digits, setDigits] = useState('');
  const [busy, setBusy] = useState(false);

  async function attempt(identity: Identity, sessionId: string | null, lastDigits: string | null, choices: Choice[] | null) {
    setBusy(true);
    const result = await joinByCustomer({ ...identity, sessionId, lastDigits });
    setBusy(false);
    const joined = result.data?.joinSessionByCustomer;
    if (joined) {
      setPending(null);
      setDigits('');
      return onJoined(joined);
    }
    const error = describeError(result.error);
    if (error?.code === 'SESSION_CHOICE_NEEDED') {
      const listed = await client.query(WAITING_SESSIONS_OF_CUSTOMER, identity, { requestPolicy: 'network-only' }).toPromise();
      const found = listed.data?.waitingSessionsOfCustomer ?? [];
      notify('info', error.message);
      return setPending({ identity, choices: found, sessionId: null, needDigits: false });
    }
    if (error?.code === 'IDENTITY_UNVERIFIED') {
      return setPending({ identity, choices, sessionId, needDigits: true });
    }
    notify('error', error?.message ?? 'Could not join.');
  }

  const begin = (typed: string) => {
    setDigits('');
    return attempt(typed.includes('@') ? { email: typed } : { accountId: typed }, null, null, null);
  };

  function choose(choice: Choice) {
    if (!pending) return;
    setDigits('');
    if (choice.customer.verified) return void attempt(pending.identity, choice.sessionId, null, pending.choices);
    setPending({ ...pending, sessionId: choice.sessionId, needDigits: true });
  }

  function confirm(event: FormEvent) {
    event.preventDefault();
    if (pending && !busy) void attempt(pending.identity, pending.sessionId, digits, pending.choices);
  }

  const panel = pending && (
    <div className="customer-choices" data-testid="customer-join">
      {pending.choices && (
        <ul className="plain-list" aria-label="Waiting sessions of this customer" data-testid="customer-session-choices">
          {pending.choices.map((choice) => (
            <li key={choice.sessionId} className="customer-choice" data-testid="customer-session-choice">
              <span>
                <strong>{choice.customer.name ?? choice.customer.email ?? choice.customer.accountId}</strong>
                <UnverifiedBadge customer={choice.customer} />
              </span>
              <span className="muted small">
                {choice.url} · started {new Date(choice.startedAt).toLocaleTimeString()}
              </span>
              <button
                type="button"
                className="button small"
                aria-pressed={pending.sessionId === choice.sessionId}
                onClick={() => choose(choice)}
                data-testid="customer-session-choose"
              >
                Join this one
              </button>
            </li>
          ))}
        </ul>
      )}
      {pending.needDigits && (
        <form className="join-form" onSubmit={confirm}>
          <label htmlFor="confirm-digits" className="join-label">
            Unverified customer: ask them for the last {DIGITS} digits of their session ID
          </label>
          <input
            id="confirm-digits"
            className="join-input"
            autoComplete="off"
            inputMode="numeric"
            maxLength={DIGITS}
            value={digits}
            onChange={(event) => setDigits(event.target.value)}
            data-testid="confirm-digits-input"
          />
          <button
            type="submit"
            className="button primary small"
            disabled={busy || digits.trim().length !== DIGITS}
            data-testid="confirm-digits-join"
          >
            Join
          </button>
        </form>
      )}
      <button type="button" className="button subtle small" onClick={() => setPending(null)} data-testid="customer-join-cancel">
        Cancel
      </button>
    </div>
  );
  return { begin, panel };
}
