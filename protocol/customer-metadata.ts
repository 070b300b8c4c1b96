import { z } from 'zod';
import type { Validated } from './validated.ts';

/**
 * Who the customer is, as the site tells the widget (`Cobrowse.start({ metadata })` or the
 * script tag's `data-cobrowse-metadata`). It is sent to the server and shown to the agent as
 * given: masking rules do not apply to it, so a site should put nothing here an agent must not see.
 * Anyone can write anything here from the page, so agents see it as unverified unless
 * `identityToken` carries it signed by the site's backend (see docs/identity.md).
 */
export interface CustomerMetadata {
  name?: string;
  email?: string;
  /** The site's own account or customer number. */
  accountId?: string;
  /** Free key/values, e.g. `{ plan: 'gold' }`. */
  fields?: Record<string, string>;
  /**
   * The identity signed by the site's backend with its identity secret (a JWT, HS256, with `exp`
   * and `aud`: the page's origin). When it checks out, its claims replace the fields above and
   * the agent sees the customer as verified.
   */
  identityToken?: string;
}

/** Who the customer is, as agents are shown it: never the token, and whether the site's backend signed it. */
export interface ShownCustomer extends Omit<CustomerMetadata, 'identityToken'> {
  verified: boolean;
}

/** Limits on customer metadata (hostile pages may send anything). */
export const METADATA_LIMITS = {
  textLength: 200,
  emailLength: 254,
  fields: 20,
  keyLength: 40,
  valueLength: 200,
  tokenLength: 4096,
} as const;

const text = z.string().trim().min(1).max(METADATA_LIMITS.textLength);
const metadata = z.strictObject({
  name: text.optional(),
  email: z.string().trim().toLowerCase().max(METADATA_LIMITS.emailLength).email().optional(),
  accountId: text.optional(),
  fields: z
    .record(z.string().trim().min(1).max(METADATA_LIMITS.keyLength), z.string().max(METADATA_LIMITS.valueLength))
    .refine((value) => Object.keys(value).length <= METADATA_LIMITS.fields, `at most ${METADATA_LIMITS.fields} fields`)
    .optional(),
  identityToken: z.string().trim().min(1).max(METADATA_LIMITS.tokenLength).optional(),
});

/** Checks metadata from a customer's page; e-mail addresses are lower-cased so they can be searched. */
export function validateCustomerMetadata(input: unknown): Validated<CustomerMetadata> {
  const parsed = metadata.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { ok: false, problem: `${['metadata', ...issue.path].join('.')}: ${issue.message}` };
}
