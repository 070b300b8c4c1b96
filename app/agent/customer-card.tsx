'use client';

import type { ShownCustomer } from '../../protocol/customer-metadata';

/**
 * Marks an identity the site's backend did not sign: anyone can type an e-mail address into a
 * page, so the agent must not take it for proof of who the customer is.
 */
export function UnverifiedBadge({ customer }: { customer: Pick<ShownCustomer, 'verified'> }) {
  if (customer.verified) return null;
  return (
    <span
      className="badge customer-unverified"
      data-testid="customer-unverified"
      title="The customer’s site did not sign this identity: it is what the page says, which anyone can write. Check who they are before you trust it."
    >
      Unverified
    </span>
  );
}

/** Who the customer is, as their site told the widget; nothing when it said nothing. */
export function CustomerCard({ customer }: { customer: ShownCustomer | null | undefined }) {
  if (!customer) return null;
  const fields = Object.entries(customer.fields ?? {});
  const heading = customer.name ?? customer.email ?? customer.accountId;
  return (
    <div className="customer-card" data-testid="customer-info" aria-label="Customer">
      <span className="customer-avatar" aria-hidden="true">
        {(heading ?? '?').slice(0, 1).toUpperCase()}
      </span>
      <div className="customer-lines">
        <div className="customer-name">
          {heading}
          <UnverifiedBadge customer={customer} />
        </div>
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
