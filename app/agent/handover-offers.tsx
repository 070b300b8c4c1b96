'use client';

import { useEffect, useRef, useState } from 'react';
import { useClient } from 'urql';
import type { HandoverOfferFieldsFragment, SessionSummaryFieldsFragment } from '../../graphql/generated/client/graphql';
import { ACCEPT_HANDOVER, DECLINE_HANDOVER, HANDOVER_OFFERS } from '../lib/handover-documents';
import { describeError } from '../lib/graphql-client';
import { formatCode } from '../lib/session-code';
import { useStreamEvents } from '../lib/use-stream-events';
import type { NoticeTone } from './notices';
import './handover.css';

type Offer = HandoverOfferFieldsFragment;

/** Seconds left until `expiresAt`, ticking while shown. */
function useSecondsLeft(expiresAt: string): number {
  const left = () => Math.max(0, Math.ceil((Date.parse(expiresAt) - Date.now()) / 1000));
  const [seconds, setSeconds] = useState(left);
  useEffect(() => {
    const timer = setInterval(() => setSeconds(left()), 1000);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- left reads only expiresAt
  }, [expiresAt]);
  return seconds;
}

/**
 * Offers from other agents to take over their session, as they arrive on this desktop's stream
 * (on whichever server instance the offering agent is). Keeping the stream open is also what
 * shows this agent as online to others. Accepting opens the session here, in Pointer Mode.
 */
export function HandoverOffers({
  shown,
  notify,
  onAccepted,
}: {
  /** False while hand-over is off for the site: the stream still says the agent is online. */
  shown: boolean;
  notify: (tone: NoticeTone, text: string) => void;
  onAccepted: (session: SessionSummaryFieldsFragment, offer: Offer) => void;
}) {
  const [offers, setOffers] = useState<Offer[]>([]);
  useStreamEvents(
    HANDOVER_OFFERS,
    {},
    ({ handoverOffers: { offer, open } }) =>
      setOffers((current) => [...current.filter((one) => one.id !== offer.id), ...(open ? [offer] : [])]),
    () => {},
  );
  const drop = (id: string) => setOffers((current) => current.filter((one) => one.id !== id));
  if (!shown || offers.length === 0) return null;
  return (
    <section className="handover-offers" aria-label="Hand-over offers">
      {offers.map((offer) => (
        <OfferCard key={offer.id} offer={offer} notify={notify} onAccepted={onAccepted} onGone={() => drop(offer.id)} />
      ))}
    </section>
  );
}

function OfferCard({
  offer,
  notify,
  onAccepted,
  onGone,
}: {
  offer: Offer;
  notify: (tone: NoticeTone, text: string) => void;
  onAccepted: (session: SessionSummaryFieldsFragment, offer: Offer) => void;
  onGone: () => void;
}) {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  // Read by a second click of the same burst, before React has shown the buttons disabled.
  const answering = useRef(false);
  const seconds = useSecondsLeft(offer.expiresAt);
  useEffect(() => {
    if (seconds === 0) onGone();
  }, [seconds, onGone]);

  async function answer(accept: boolean) {
    if (answering.current) return; // a double click sends one answer
    answering.current = true;
    setBusy(true);
    const result = accept
      ? await client.mutation(ACCEPT_HANDOVER, { offerId: offer.id }).toPromise()
      : await client.mutation(DECLINE_HANDOVER, { offerId: offer.id }).toPromise();
    answering.current = false;
    setBusy(false);
    const error = describeError(result.error);
    if (error) {
      notify('error', error.message);
      if (error.code === 'HANDOVER_CLOSED') onGone();
      return;
    }
    onGone();
    if (result.data && 'acceptHandover' in result.data && result.data.acceptHandover) onAccepted(result.data.acceptHandover, offer);
    else notify('info', `You declined ${offer.fromAgentName}’s session.`);
  }

  return (
    <div
      className="handover-offer"
      role="alertdialog"
      aria-label={`Hand-over offer from ${offer.fromAgentName}`}
      data-testid="handover-offer"
    >
      <span className="handover-offer-icon" aria-hidden>
        <svg viewBox="0 0 24 24" width="22" height="22" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round">
          <path d="M4 8h13l-3-3M20 16H7l3 3" />
        </svg>
      </span>
      <div className="handover-offer-text">
        <span>
          <strong>{offer.fromAgentName}</strong> offers you session <span className="nowrap">{formatCode(offer.sessionCode)}</span>
        </span>
        <span className="muted small">You join it in Pointer Mode. The offer expires in {seconds} s.</span>
      </div>
      <div className="handover-offer-actions">
        <button type="button" className="button small" disabled={busy} onClick={() => answer(false)} data-testid="handover-decline">
          Decline
        </button>
        <button type="button" className="button primary small" disabled={busy} onClick={() => answer(true)} data-testid="handover-accept">
          Accept
        </button>
      </div>
    </div>
  );
}
