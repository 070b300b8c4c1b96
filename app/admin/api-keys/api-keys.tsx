'use client';

import { useState, type FormEvent } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import {
  API_KEY_SCOPE_CHOICES,
  API_KEYS,
  API_KEYS_PAGE,
  CREATE_API_KEY,
  REVOKE_API_KEY,
  type ApiKey,
  type ApiKeyScope,
} from '../../lib/api-key-documents';
import { describeError } from '../../lib/graphql-client';
import { SecretReveal } from '../../lib/secret-reveal';
import { TopBar } from '../../lib/top-bar';
import { useMorePages } from '../../lib/use-more-pages';
import { AdminNav } from '../admin-nav';
import { AdminTable } from '../admin-table';
import styles from './api-keys.module.css';

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

/** The end of the chosen day in the admin's time zone, as the key's expiry; empty: never. */
const endOfDay = (day: string): string | null => (day ? new Date(`${day}T23:59:59`).toISOString() : null);

/** Read-only API keys for third-party systems; each is shown once, when created. */
export function ApiKeys() {
  const client = useClient();
  const [listed, reload] = useQuery({ query: API_KEYS, variables: { first: API_KEYS_PAGE } });
  const more = useMorePages<typeof listed.data, ApiKey[]>(listed.data);
  const [, createKey] = useMutation(CREATE_API_KEY);
  const [, revokeKey] = useMutation(REVOKE_API_KEY);
  const keys = [...(listed.data?.apiKeys ?? []), ...more.pages.flat()];
  const lastPage = more.pages.at(-1) ?? listed.data?.apiKeys ?? [];
  const [loadingMore, setLoadingMore] = useState(false);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(API_KEY_SCOPE_CHOICES.map((choice) => choice.scope));
  const [expiresOn, setExpiresOn] = useState('');
  const [perMinute, setPerMinute] = useState('');
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const error = actionError ?? (listed.error ? (describeError(listed.error)?.message ?? 'Could not load the keys.') : null);

  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const result = await createKey({
      name,
      scopes,
      expiresAt: endOfDay(expiresOn),
      requestsPerMinute: perMinute ? Number(perMinute) : null,
    });
    setBusy(false);
    if (!result.data) return setActionError(describeError(result.error)?.message ?? 'Could not create the key.');
    setActionError(null);
    setCreated({ name: result.data.createApiKey.apiKey.name, key: result.data.createApiKey.key });
    setName('');
    setExpiresOn('');
    setPerMinute('');
    reload();
  }

  const toggleScope = (scope: ApiKeyScope, on: boolean) =>
    setScopes((current) => API_KEY_SCOPE_CHOICES.map((choice) => choice.scope).filter((s) => (s === scope ? on : current.includes(s))));

  async function loadMore() {
    const first = listed.data;
    const last = keys.at(-1);
    if (!first || !last) return;
    setLoadingMore(true);
    const result = await client.query(API_KEYS, { first: API_KEYS_PAGE, after: last.id }).toPromise();
    setLoadingMore(false);
    if (!result.data) return setActionError(describeError(result.error)?.message ?? 'Could not load more keys.');
    more.append(first, result.data.apiKeys);
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
                  Read-only keys let other systems query what their scopes allow and follow sessions live, until they expire or are revoked.
                  See <code>docs/api.md</code>.
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
            <AdminTable columns={['Name', 'Key', 'Scopes', 'Created', 'Expires', 'Last used']} empty={keys.length === 0 && 'No keys yet.'}>
              {keys.map((key) => (
                <tr key={key.id} data-testid="api-key-row" className={key.revokedAt ? 'revoked' : undefined}>
                  <td>{key.name}</td>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td className="small" data-testid="api-key-scopes">
                    {key.scopes.join(', ')}
                  </td>
                  <td className="muted">{when(key.createdAt)}</td>
                  <td className="muted" data-testid="api-key-expires-at">
                    {key.expiresAt ? when(key.expiresAt) : 'Never'}
                  </td>
                  <td className="muted" data-testid="api-key-last-used">
                    {key.lastUsedAt ? when(key.lastUsedAt) : 'Never'}
                  </td>
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
            {lastPage.length === API_KEYS_PAGE && (
              <button type="button" className="button subtle" onClick={loadMore} disabled={loadingMore} data-testid="api-key-more">
                {loadingMore ? 'Loading…' : 'Load more keys'}
              </button>
            )}
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
            <fieldset className={styles.scopes}>
              <legend>What may it read?</legend>
              {API_KEY_SCOPE_CHOICES.map(({ scope, label }) => (
                <label key={scope}>
                  <input
                    type="checkbox"
                    checked={scopes.includes(scope)}
                    onChange={(event) => toggleScope(scope, event.target.checked)}
                    data-testid={`api-key-scope-${scope}`}
                  />
                  <span>{label}</span>
                </label>
              ))}
            </fieldset>
            <label className="field">
              <span>Expires on (optional)</span>
              <input type="date" value={expiresOn} onChange={(event) => setExpiresOn(event.target.value)} data-testid="api-key-expires" />
            </label>
            <label className="field">
              <span>Requests a minute (optional)</span>
              <input
                type="number"
                min={1}
                max={100000}
                value={perMinute}
                onChange={(event) => setPerMinute(event.target.value)}
                placeholder="Deployment default"
                data-testid="api-key-rate"
              />
            </label>
            <span className="muted small">Keys can read and subscribe, never change anything.</span>
            <button type="submit" className="button primary" disabled={busy || scopes.length === 0} data-testid="api-key-create">
              {busy ? 'Creating…' : 'Create key'}
            </button>
          </form>
        </main>
      </div>
    </div>
  );
}
