'use client';

import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { API_KEYS, CREATE_API_KEY, REVOKE_API_KEY, type ApiKey } from '../../lib/api-key-documents';
import { describeError } from '../../lib/graphql-client';
import { SecretReveal } from '../../lib/secret-reveal';
import { TopBar } from '../../lib/top-bar';
import { AdminNav } from '../admin-nav';
import { AdminTable } from '../admin-table';

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

/** Read-only API keys for third-party systems; each is shown once, when created. */
export function ApiKeys() {
  const [listed, reload] = useQuery({ query: API_KEYS });
  const [, createKey] = useMutation(CREATE_API_KEY);
  const [, revokeKey] = useMutation(REVOKE_API_KEY);
  const keys = listed.data?.apiKeys ?? [];
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const error = actionError ?? (listed.error ? (describeError(listed.error)?.message ?? 'Could not load the keys.') : null);

  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const result = await createKey({ name });
    setBusy(false);
    if (!result.data) return setActionError(describeError(result.error)?.message ?? 'Could not create the key.');
    setActionError(null);
    setCreated({ name: result.data.createApiKey.apiKey.name, key: result.data.createApiKey.key });
    setName('');
    reload();
  }

  async function revoke(key: ApiKey) {
    if (!confirm(`Revoke “${key.name}”? Systems using it are refused from now on.`)) return;
    const result = await revokeKey({ id: key.id });
    if (result.error) return setActionError(describeError(result.error)?.message ?? 'Could not revoke the key.');
    reload();
  }

  return (
    <div className="app-shell">
      <TopBar status="Admin" />
      <div className="page-body">
        <AdminNav />
        <main className="users-page">
          <section className="settings-card users-card" aria-labelledby="keys-heading">
            <header className="settings-head">
              <div>
                <h1 id="keys-heading">API keys</h1>
                <p className="muted small">
                  Read-only keys let other systems query sessions and audit history and follow sessions live. See <code>docs/api.md</code>.
                </p>
              </div>
            </header>
            {error && (
              <p className="alert" role="alert" data-testid="api-key-message">
                {error}
              </p>
            )}
            {created && (
              <SecretReveal
                key={created.key}
                title={`Copy the key for “${created.name}” now: it is not shown again.`}
                secret={created.key}
                testId="api-key"
              />
            )}
            <AdminTable columns={['Name', 'Key', 'Created', 'Last used']} empty={keys.length === 0 && 'No keys yet.'}>
              {keys.map((key) => (
                <tr key={key.id} data-testid="api-key-row" className={key.revokedAt ? 'revoked' : undefined}>
                  <td>{key.name}</td>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td className="muted">{when(key.createdAt)}</td>
                  <td className="muted">{when(key.lastUsedAt)}</td>
                  <td className="row-actions">
                    {key.revokedAt ? (
                      <span className="muted small">Revoked {when(key.revokedAt)}</span>
                    ) : (
                      <button
                        type="button"
                        className="button small subtle danger-text"
                        onClick={() => revoke(key)}
                        data-testid="api-key-revoke"
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </AdminTable>
          </section>
          <form className="settings-card add-user-card" onSubmit={create} aria-labelledby="new-key-heading">
            <h2 id="new-key-heading">New key</h2>
            <label className="field">
              <span>What will use it?</span>
              <input
                value={name}
                onChange={(event) => setName(event.target.value)}
                placeholder="CRM nightly export"
                maxLength={80}
                required
                data-testid="api-key-name"
              />
            </label>
            <span className="muted small">Keys can read and subscribe, never change anything.</span>
            <button type="submit" className="button primary" disabled={busy} data-testid="api-key-create">
              {busy ? 'Creating…' : 'Create key'}
            </button>
          </form>
        </main>
      </div>
    </div>
  );
}
