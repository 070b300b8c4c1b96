'use client';

import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { IDENTITY_SECRET_STATUS, REMOVE_IDENTITY_SECRET, ROTATE_IDENTITY_SECRET } from '../lib/identity-documents';
import { describeError } from '../lib/graphql-client';
import { SecretReveal } from '../lib/secret-reveal';

/**
 * The secret the site's backend signs customer identities with. Generated here and shown once;
 * a new one replaces the old at once (identities signed with the old one show as unverified).
 */
export function IdentitySecretCard() {
  const [status, reload] = useQuery({ query: IDENTITY_SECRET_STATUS });
  const [, rotate] = useMutation(ROTATE_IDENTITY_SECRET);
  const [, remove] = useMutation(REMOVE_IDENTITY_SECRET);
  const [shown, setShown] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const createdAt = status.data?.siteSettings.identitySecretCreatedAt ?? null;

  async function generate() {
    if (createdAt && !confirm('Replace the identity secret? Identities your site signs with the old one show as unverified from now on.'))
      return;
    setBusy(true);
    const result = await rotate({});
    setBusy(false);
    if (!result.data) return setError(describeError(result.error)?.message ?? 'Could not generate a secret.');
    setError(null);
    setShown(result.data.rotateIdentitySecret.secret);
    reload({ requestPolicy: 'network-only' });
  }

  async function drop() {
    if (!confirm('Remove the identity secret? Every customer identity shows as unverified from now on.')) return;
    const result = await remove({});
    if (result.error) return setError(describeError(result.error)?.message ?? 'Could not remove the secret.');
    setShown(null);
    reload({ requestPolicy: 'network-only' });
  }

  return (
    <section className="settings-card" aria-labelledby="identity-heading">
      <h2 id="identity-heading">Verified customer identity</h2>
      <p className="muted small">
        Your site’s backend signs who the customer is with this secret, and the widget passes it on as <code>identityToken</code>. Agents
        see identities without a valid signature as <em>Unverified</em>. See <code>docs/identity.md</code>.
      </p>
      <p className="small" data-testid="identity-secret-status">
        {createdAt
          ? `A secret is set (generated ${new Date(createdAt).toLocaleString()}).`
          : 'No secret yet: every identity is unverified.'}
      </p>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {shown && (
        <SecretReveal
          key={shown}
          title="Copy the secret to your site’s backend now: it is not shown again."
          secret={shown}
          testId="identity"
        />
      )}
      <div className="settings-actions">
        {createdAt && (
          <button type="button" className="button subtle danger-text" onClick={drop} data-testid="identity-secret-remove">
            Remove
          </button>
        )}
        <button type="button" className="button" onClick={generate} disabled={busy} data-testid="identity-secret-generate">
          {createdAt ? 'Generate a new secret' : 'Generate secret'}
        </button>
      </div>
    </section>
  );
}
