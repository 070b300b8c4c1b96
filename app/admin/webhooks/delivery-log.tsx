'use client';

import { useEffect } from 'react';
import { useQuery } from 'urql';
import { describeError } from '../../lib/graphql-client';
import { WEBHOOK_DELIVERIES, type WebhookDelivery } from './webhook-documents';
import styles from './webhooks.module.css';

/** While something is pending, the log is read again this often. */
const REFRESH_MS = 2000;

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

function StatusPill({ delivery }: { delivery: WebhookDelivery }) {
  const tone = delivery.status === 'SUCCEEDED' ? styles.ok : delivery.status === 'FAILED' ? styles.failed : styles.pending;
  const label = delivery.status === 'SUCCEEDED' ? 'Delivered' : delivery.status === 'FAILED' ? 'Failed' : 'Pending';
  return <span className={`${styles.pill} ${tone}`}>{label}</span>;
}

/** One endpoint's deliveries, newest first: event, outcome, attempts, next retry and the last error or answer. */
export function DeliveryLog({ endpointId, url, refreshKey }: { endpointId: string; url: string; refreshKey: number }) {
  const [log, reload] = useQuery({ query: WEBHOOK_DELIVERIES, variables: { endpointId } });
  const deliveries = log.data?.webhookDeliveries ?? [];
  const pending = deliveries.some((delivery) => delivery.status === 'PENDING');

  useEffect(() => {
    if (refreshKey > 0) reload({ requestPolicy: 'network-only' });
  }, [refreshKey, reload]);
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => reload({ requestPolicy: 'network-only' }), REFRESH_MS);
    return () => clearInterval(timer);
  }, [pending, reload]);

  return (
    <section className="settings-card" aria-labelledby="delivery-log-heading" data-testid="webhook-delivery-log">
      <header className="settings-head">
        <div>
          <h2 id="delivery-log-heading">Delivery log</h2>
          <p className="muted small">
            <code>{url}</code> · the last 50 deliveries; failed ones are retried with growing waits.
          </p>
        </div>
        <button type="button" className="button small subtle" onClick={() => reload({ requestPolicy: 'network-only' })}>
          Refresh
        </button>
      </header>
      {log.error && (
        <p className="alert" role="alert">
          {describeError(log.error)?.message ?? 'Could not load the log.'}
        </p>
      )}
      <div className="table-scroll">
        <table className="sessions-table">
          <thead>
            <tr>
              <th>Event</th>
              <th>Status</th>
              <th>Code</th>
              <th>Attempts</th>
              <th>Next retry</th>
              <th>Error or answer</th>
              <th>Queued</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((delivery) => (
              <tr key={delivery.id} data-testid="webhook-delivery-row">
                <td>
                  <code>{delivery.event}</code>
                </td>
                <td data-testid="webhook-delivery-status">
                  <StatusPill delivery={delivery} />
                </td>
                <td data-testid="webhook-delivery-code">{delivery.lastStatusCode ?? '—'}</td>
                <td>{delivery.attempts}</td>
                <td className="muted">{delivery.status === 'PENDING' && delivery.attempts > 0 ? when(delivery.nextAttemptAt) : '—'}</td>
                <td className={styles.excerpt} title={delivery.responseExcerpt ?? undefined}>
                  {delivery.lastError ?? delivery.responseExcerpt ?? '—'}
                </td>
                <td className="muted">{when(delivery.createdAt)}</td>
              </tr>
            ))}
            {deliveries.length === 0 && (
              <tr>
                <td colSpan={7} className="muted">
                  Nothing sent yet. Send a ping to try the endpoint.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
