'use client';

import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import type { WebhookEvent } from '../../../graphql/generated/client/graphql';
import { describeError } from '../../lib/graphql-client';
import { SecretReveal } from '../../lib/secret-reveal';
import { TopBar } from '../../lib/top-bar';
import { AdminNav } from '../admin-nav';
import { DeliveryLog } from './delivery-log';
import {
  CREATE_WEBHOOK_ENDPOINT,
  DELETE_WEBHOOK_ENDPOINT,
  PING_WEBHOOK_ENDPOINT,
  UPDATE_WEBHOOK_ENDPOINT,
  WEBHOOK_ENDPOINTS,
  type WebhookEndpoint,
} from './webhook-documents';
import { ALL_EVENTS, EVENT_GROUPS, eventSummary } from './webhook-events';
import styles from './webhooks.module.css';
import { AdminTable } from '../admin-table';

/** Webhooks: URLs that receive signed session and chat events; each secret is shown once, when created. */
export function Webhooks() {
  const [listed, reload] = useQuery({ query: WEBHOOK_ENDPOINTS });
  const [, createEndpoint] = useMutation(CREATE_WEBHOOK_ENDPOINT);
  const [, updateEndpoint] = useMutation(UPDATE_WEBHOOK_ENDPOINT);
  const [, deleteEndpoint] = useMutation(DELETE_WEBHOOK_ENDPOINT);
  const [, pingEndpoint] = useMutation(PING_WEBHOOK_ENDPOINT);
  const endpoints = listed.data?.webhookEndpoints ?? [];
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>(ALL_EVENTS);
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [logRefresh, setLogRefresh] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const error = actionError ?? (listed.error ? (describeError(listed.error)?.message ?? 'Could not load the endpoints.') : null);
  const selected = endpoints.find((endpoint) => endpoint.id === selectedId) ?? endpoints[0] ?? null;

  const fail = (result: { error?: Parameters<typeof describeError>[0] }, fallback: string) =>
    setActionError(describeError(result.error)?.message ?? fallback);

  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const result = await createEndpoint({ input: { url, events } });
    setBusy(false);
    if (!result.data) return fail(result, 'Could not register the endpoint.');
    const { secret, endpoint } = result.data.createWebhookEndpoint;
    setActionError(null);
    setNotice(null);
    setCreated({ url: endpoint.url, secret });
    setSelectedId(endpoint.id);
    setUrl('');
    reload();
  }

  async function ping(endpoint: WebhookEndpoint) {
    const result = await pingEndpoint({ id: endpoint.id });
    if (!result.data) return fail(result, 'Could not send the ping.');
    setActionError(null);
    setNotice(`Ping queued for ${endpoint.url}; its delivery shows in the log below.`);
    setSelectedId(endpoint.id);
    setLogRefresh((count) => count + 1);
  }

  async function toggle(endpoint: WebhookEndpoint) {
    const result = await updateEndpoint({ id: endpoint.id, enabled: !endpoint.enabled });
    if (!result.data) return fail(result, 'Could not change the endpoint.');
    reload();
  }

  async function remove(endpoint: WebhookEndpoint) {
    if (!confirm(`Delete the endpoint ${endpoint.url}? It receives nothing more, retries included.`)) return;
    const result = await deleteEndpoint({ id: endpoint.id });
    if (!result.data) return fail(result, 'Could not delete the endpoint.');
    if (created?.url === endpoint.url) setCreated(null);
    reload();
  }

  const choose = (value: WebhookEvent, on: boolean) =>
    setEvents((current) =>
      on ? ALL_EVENTS.filter((event) => event === value || current.includes(event)) : current.filter((event) => event !== value),
    );

  return (
    <div className="app-shell">
      <TopBar status="Admin" />
      <div className="page-body">
        <AdminNav />
        <main className={`users-page ${styles.page}`}>
          <div className={styles.stack}>
            <section className="settings-card users-card" aria-labelledby="webhooks-heading">
              <header className="settings-head">
                <div>
                  <h1 id="webhooks-heading">Webhooks</h1>
                  <p className="muted small">
                    Other systems hear about sessions and chats as they happen: each event is POSTed as signed JSON and retried until it is
                    accepted. See <code>docs/webhooks.md</code>.
                  </p>
                </div>
              </header>
              {error && (
                <p className="alert" role="alert" data-testid="webhook-message">
                  {error}
                </p>
              )}
              {notice && !error && (
                <p className={styles.notice} role="status" data-testid="webhook-notice">
                  {notice}
                </p>
              )}
              {created && (
                <SecretReveal
                  key={created.secret}
                  title={`Copy the signing secret for ${created.url} now: it is not shown again.`}
                  secret={created.secret}
                  testId="webhook"
                />
              )}
              <AdminTable columns={['Endpoint', 'Status']} empty={endpoints.length === 0 && 'No endpoints yet.'}>
                {endpoints.map((endpoint) => (
                  <tr key={endpoint.id} data-testid="webhook-row" className={endpoint.id === selected?.id ? styles.selected : undefined}>
                    <td>
                      <div className={styles.endpoint}>
                        <button
                          type="button"
                          className={`link-button ${styles.url}`}
                          title={endpoint.url}
                          onClick={() => setSelectedId(endpoint.id)}
                        >
                          {endpoint.url}
                        </button>
                        <span className="muted small" title={endpoint.events.join(', ')}>
                          {eventSummary(endpoint.events)} · secret <code>{endpoint.secretPrefix}…</code>
                        </span>
                      </div>
                    </td>
                    <td>
                      <span className={`${styles.pill} ${endpoint.enabled ? styles.ok : styles.off}`}>
                        {endpoint.enabled ? 'On' : 'Off'}
                      </span>
                    </td>
                    <td className="row-actions">
                      <button type="button" className="button small subtle" onClick={() => ping(endpoint)} data-testid="webhook-ping">
                        Send ping
                      </button>{' '}
                      <button type="button" className="button small subtle" onClick={() => toggle(endpoint)}>
                        {endpoint.enabled ? 'Turn off' : 'Turn on'}
                      </button>{' '}
                      <button
                        type="button"
                        className="button small subtle danger-text"
                        onClick={() => remove(endpoint)}
                        data-testid="webhook-delete"
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </AdminTable>
            </section>
            {selected && <DeliveryLog key={selected.id} endpointId={selected.id} url={selected.url} refreshKey={logRefresh} />}
          </div>
          <form className="settings-card add-user-card" onSubmit={create} aria-labelledby="new-webhook-heading">
            <h2 id="new-webhook-heading">New endpoint</h2>
            <label className="field">
              <span>URL</span>
              <input
                type="url"
                value={url}
                onChange={(event) => setUrl(event.target.value)}
                placeholder="https://hooks.example.com/cobrowse"
                maxLength={2048}
                required
                data-testid="webhook-url"
              />
            </label>
            {EVENT_GROUPS.map((group) => (
              <fieldset key={group.title} className={styles.events}>
                <legend>{group.title}</legend>
                {group.events.map((event) => (
                  <label key={event.value}>
                    <input
                      type="checkbox"
                      checked={events.includes(event.value)}
                      onChange={(change) => choose(event.value, change.target.checked)}
                    />
                    {event.label}
                  </label>
                ))}
              </fieldset>
            ))}
            <span className="muted small">Each request is signed with the endpoint’s secret; private addresses are refused.</span>
            <button type="submit" className="button primary" disabled={busy || events.length === 0} data-testid="webhook-create">
              {busy ? 'Registering…' : 'Register endpoint'}
            </button>
          </form>
        </main>
      </div>
    </div>
  );
}
