import { validateCustomerMetadata, type CustomerMetadata, type ShownCustomer } from '../../protocol/customer-metadata.ts';
import { badInput } from '../core/errors.ts';
import { checkIdentityToken } from './identity-signature.ts';

/** How an agent names a waiting customer instead of a session code. */
export interface CustomerIdentity {
  email?: string | null;
  accountId?: string | null;
}

export interface CustomerColumns {
  metadata: string | null;
  customerEmail: string | null;
  customerAccountId: string | null;
  customerVerified: boolean;
}

const NO_CUSTOMER: CustomerColumns = { metadata: null, customerEmail: null, customerAccountId: null, customerVerified: false };

/** The identity parts of signed claims (`exp`, `aud`, `iat`… are not shown), or null when they are not valid metadata. */
function identityOfClaims(claims: unknown): CustomerMetadata | null {
  if (typeof claims !== 'object' || claims === null) return null;
  const { name, email, accountId, fields } = claims as Record<string, unknown>;
  const checked = validateCustomerMetadata(
    Object.fromEntries(Object.entries({ name, email, accountId, fields }).filter(([, value]) => value !== undefined)),
  );
  return checked.ok ? checked.value : null;
}

const hasIdentity = (value: CustomerMetadata) => Object.keys(value).length > 0;

function columnsOf(value: CustomerMetadata, verified: boolean): CustomerColumns {
  if (!hasIdentity(value)) return NO_CUSTOMER;
  return {
    metadata: JSON.stringify(value),
    customerEmail: value.email ?? null,
    customerAccountId: value.accountId ?? null,
    customerVerified: verified,
  };
}

/**
 * The session columns for a customer's metadata: the JSON shown to agents, its searchable parts,
 * and whether the site's backend signed it. A token that checks out (see identity-signature.ts)
 * replaces what the page said; one that does not is logged and the identity kept — the page's
 * fields, else the token's claims — as unverified, so agents still see who the customer claims to be.
 */
export function customerColumns(input: unknown, signing: { secret: string | null; origin: string }): CustomerColumns {
  if (input === undefined || input === null) return NO_CUSTOMER;
  const checked = validateCustomerMetadata(input);
  if (!checked.ok) throw badInput(`Bad customer ${checked.problem}`);
  const { identityToken, ...stated } = checked.value;
  if (!identityToken) return columnsOf(stated, false);
  const check = checkIdentityToken(identityToken, signing.secret, signing.origin);
  const claimed = identityOfClaims(check.claims);
  if (check.ok && claimed && hasIdentity(claimed)) return columnsOf(claimed, true);
  console.warn(`Customer identity kept as unverified: its token failed (${check.ok ? 'claims' : check.reason}).`);
  return columnsOf(hasIdentity(stated) ? stated : (claimed ?? {}), false);
}

/** The customer a session's row describes, or null when the site said nothing. */
export function customerOf(session: { metadata: string | null; customerVerified: boolean }): ShownCustomer | null {
  return session.metadata ? { ...(JSON.parse(session.metadata) as CustomerMetadata), verified: session.customerVerified } : null;
}

/** A Prisma filter for sessions of this customer, or null when neither part is given. */
export function identityFilter(identity: CustomerIdentity): { customerEmail: string } | { customerAccountId: string } | null {
  const email = identity.email?.trim().toLowerCase();
  if (email) return { customerEmail: email };
  const accountId = identity.accountId?.trim();
  return accountId ? { customerAccountId: accountId } : null;
}
