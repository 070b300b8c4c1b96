'use client';

import { useEffect, useState, type FormEvent } from 'react';
import { useClient, useQuery } from 'urql';
import { HANDOVER_CANDIDATES, OFFER_HANDOVER } from '../lib/handover-documents';
import { describeError } from '../lib/graphql-client';
import { StrokeIcon } from '../lib/stroke-icon';
import type { NoticeTone } from './notices';
import './handover.css';

interface Candidate {
  id: string;
  name: string;
  email: string;
  unavailableReason?: string | null;
}

const HANDOVER_ICON = ['M4 8h13l-3-3', 'M20 16H7l3 3'];

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join('');

/**
 * The agent offers the session to another agent: online agents to choose from (busy and offline
 * ones shown greyed, with why), or any agent by e-mail. The session stays the agent's until the
 * other accepts; `pendingWith` names whom an offer waits for.
 */
export function HandoverButton({
  sessionId,
  pendingWith,
  onOffered,
  notify,
}: {
  sessionId: string;
  pendingWith: string | null;
  onOffered: (toAgentName: string) => void;
  notify: (tone: NoticeTone, text: string) => void;
}) {
  const client = useClient();
  const [open, setOpen] = useState(false);
  const [choice, setChoice] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  // Asked afresh each time the dialog opens: who is online changes by the minute.
  const [listed] = useQuery({ query: HANDOVER_CANDIDATES, variables: { sessionId }, pause: !open, requestPolicy: 'network-only' });
  const candidates: Candidate[] | null = open && !listed.fetching && listed.data ? listed.data.handoverCandidates : null;
  const listProblem = describeError(listed.error)?.message ?? null;

  useEffect(() => {
    if (!open) return;
    setProblem(null);
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && setOpen(false);
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [open]);

  async function offer(event: FormEvent) {
    event.preventDefault();
    const toEmail = email.trim();
    if (sending || (!choice && !toEmail)) return;
    setSending(true);
    const result = await client.mutation(OFFER_HANDOVER, toEmail ? { sessionId, toEmail } : { sessionId, toAgentId: choice }).toPromise();
    setSending(false);
    const error = describeError(result.error);
    const made = result.data?.offerHandover;
    if (error || !made) return setProblem(error?.message ?? 'Could not offer the session.');
    onOffered(made.toAgentName);
    setOpen(false);
    setChoice(null);
    setEmail('');
    notify('info', `Offered to ${made.toAgentName}. The session stays yours until they accept.`);
  }

  const available = candidates?.filter((candidate) => !candidate.unavailableReason) ?? [];

  return (
    <div className="handover">
      <button
        type="button"
        className="icon-button"
        onClick={() => setOpen((was) => !was)}
        disabled={pendingWith !== null}
        aria-expanded={open}
        aria-label={pendingWith ? `Waiting for ${pendingWith} to accept the hand-over` : 'Hand over to another agent'}
        title={pendingWith ? `Waiting for ${pendingWith} to accept…` : 'Hand over to another agent'}
        data-testid="handover-open"
      >
        <StrokeIcon paths={HANDOVER_ICON} />
      </button>
      {pendingWith && (
        <span className="handover-pending small" data-testid="handover-pending">
          Offered to {pendingWith}…
        </span>
      )}
      {open && (
        <form className="handover-dialog" role="dialog" aria-label="Hand over this session" onSubmit={offer}>
          <div className="handover-dialog-head">
            <h3>Hand over this session</h3>
            <p className="muted small">Once they accept, the session is theirs in Pointer Mode and your view of it ends.</p>
          </div>
          {candidates === null && !listProblem && <p className="muted small">Finding agents…</p>}
          {candidates !== null && (
            <ul className="handover-list" aria-label="Agents">
              {candidates.length === 0 && <li className="muted small">There are no other agents.</li>}
              {candidates.map((candidate) => (
                <li key={candidate.id}>
                  <label className={`handover-agent${candidate.unavailableReason ? ' off' : ''}`}>
                    <input
                      type="radio"
                      name="handover-target"
                      value={candidate.id}
                      checked={choice === candidate.id}
                      disabled={Boolean(candidate.unavailableReason)}
                      onChange={() => {
                        setChoice(candidate.id);
                        setEmail('');
                      }}
                      data-testid="handover-target"
                    />
                    <span className="handover-avatar" aria-hidden>
                      {initials(candidate.name)}
                    </span>
                    <span className="handover-who">
                      <strong>{candidate.name}</strong>
                      <span className="muted small">{candidate.unavailableReason ?? 'Online · available'}</span>
                    </span>
                    {!candidate.unavailableReason && <span className="handover-online" aria-hidden />}
                  </label>
                </li>
              ))}
            </ul>
          )}
          <label className="handover-email small">
            <span className="muted">Or by e-mail</span>
            <input
              type="email"
              value={email}
              placeholder="agent@company.com"
              onChange={(event) => {
                setEmail(event.target.value);
                if (event.target.value) setChoice(null);
              }}
              data-testid="handover-email"
            />
          </label>
          {(problem ?? listProblem) && (
            <p className="alert small" role="alert" data-testid="handover-problem">
              {problem ?? listProblem}
            </p>
          )}
          <div className="handover-actions">
            <span className="muted small">{candidates ? `${available.length} available` : ''}</span>
            <button type="button" className="button small" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button
              type="submit"
              className="button primary small"
              disabled={sending || (!choice && !email.trim())}
              data-testid="handover-confirm"
            >
              {sending ? 'Offering…' : 'Offer session'}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
