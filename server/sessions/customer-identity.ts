import { validateCustomerMetadata, type CustomerMetadata } from '../../protocol/customer-metadata.ts';
import { badInput } from '../core/errors.ts';

/** How an agent names a waiting customer instead of a session code. */
export interface CustomerIdentity {
  email?: string | null;
  accountId?: string | null;
}

/** The session columns for a customer's metadata: the JSON as given, and the searchable parts. */
export function customerColumns(input: unknown): {
  metadata: string | null;
  customerEmail: string | null;
  customerAccountId: string | null;
} {
  if (input === undefined || input === null) return { metadata: null, customerEmail: null, customerAccountId: null };
  const checked = validateCustomerMetadata(input);
  if (!checked.ok) throw badInput(`Bad customer ${checked.problem}`);
  const value = checked.value;
  return { metadata: JSON.stringify(value), customerEmail: value.email ?? null, customerAccountId: value.accountId ?? null };
}

/** The customer a session's row describes, or null when the site said nothing. */
export function customerOf(session: { metadata: string | null }): CustomerMetadata | null {
  return session.metadata ? (JSON.parse(session.metadata) as CustomerMetadata) : null;
}

/** A Prisma filter for sessions of this customer, or null when neither part is given. */
export function identityFilter(identity: CustomerIdentity): { customerEmail: string } | { customerAccountId: string } | null {
  const email = identity.email?.trim().toLowerCase();
  if (email) return { customerEmail: email };
  const accountId = identity.accountId?.trim();
  return accountId ? { customerAccountId: accountId } : null;
}
