'use client';

import type { CustomerMetadata } from '../../protocol/customer-metadata';

/** Who the customer is, as their site told the widget; nothing when it said nothing. */
export function CustomerCard({ customer }: { customer: CustomerMetadata | null | undefined }) {
  if (!customer) return null;
  const fields = Object.entries(customer.fields ?? {});
  const heading = customer.name ?? customer.email ?? customer.accountId;
  return (
    <div className="customer-card" data-testid="customer-info" aria-label="Customer">
      <span className="customer-avatar" aria-hidden="true">
        {(heading ?? '?').slice(0, 1).toUpperCase()}
      </span>
      <div className="customer-lines">
        <div className="customer-name">{heading}</div>
        <div className="muted small">
          {[customer.name && customer.email, customer.accountId && `Account ${customer.accountId}`].filter(Boolean).join(' · ')}
        </div>
        {fields.length > 0 && (
          <div className="customer-fields">
            {fields.map(([key, value]) => (
              <span key={key} className="chip small">
                {key}: {value}
              </span>
            ))}
          </div>
        )}
      </div>
    </div>
  );
}
