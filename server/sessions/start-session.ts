import { randomInt } from 'node:crypto';
import { pageAddress } from '../../protocol/page-address.ts';
import { badInput } from '../core/errors.ts';
import { appendAuditEvent } from '../audit/append-audit-event.ts';
import { runAudited } from '../audit/run-audited.ts';
import { hashToken, newToken } from '../auth/tokens.ts';
import { announceCobrowseInChat, chatForNewSession } from '../chat/link-cobrowse.ts';
import { isUniqueViolation } from '../core/db/index.ts';
import { loadIdentitySecret } from '../settings/identity-secret.ts';
import { customerColumns } from './customer-identity.ts';
import { acceptInTransaction, announceAccepted, type InvitationView } from '../invitations/invitations.ts';
import type { SessionDeps } from './deps.ts';
import { publishSessionEvent, type SessionWithAgent } from './session-state.ts';

const MAX_URL_LENGTH = 4096;
const MAX_VIEWPORT_PX = 20_000;
const CODE_ATTEMPTS = 5;

export interface StartSessionInput {
  /** Origin of the page that asked, already checked against the allowed origins. */
  origin: string;
  url: string;
  viewportWidth: number;
  viewportHeight: number;
  /** The customer's chat token when co-browse starts from a chat. */
  chatToken?: string | null | undefined;
  /** Who the customer is, as the site said, maybe signed by its backend (validated here; see protocol/customer-metadata.ts). */
  metadata?: unknown;
  /** The agent's request to co-browse this start accepts: that agent then joins without the code. */
  invitationId?: string | null | undefined;
}

/**
 * Checks the input and returns the page's address without its query string, fragment and any
 * user name or password: they often carry tokens, e-mail addresses or order numbers, and are
 * never stored or shown. The widget sends it so already; this holds for any other client.
 */
function checkInput(input: StartSessionInput): string {
  if (input.url.length > MAX_URL_LENGTH) throw badInput(`url is longer than ${MAX_URL_LENGTH} characters.`);
  let page: URL;
  try {
    page = new URL(input.url);
  } catch {
    throw badInput('url is not a valid URL.');
  }
  if (page.origin !== input.origin) throw badInput('url must be on the page origin that starts the session.');
  for (const [name, value] of [
    ['viewportWidth', input.viewportWidth],
    ['viewportHeight', input.viewportHeight],
  ] as const) {
    if (value < 1 || value > MAX_VIEWPORT_PX) throw badInput(`${name} must be between 1 and ${MAX_VIEWPORT_PX}.`);
  }
  return pageAddress(page.href);
}

const newSessionCode = (): string => String(randomInt(100_000_000, 1_000_000_000));

/** Creates a waiting session for a customer (only customers start sessions) and the secret that proves they own it. */
export async function startSession(
  deps: SessionDeps,
  input: StartSessionInput,
): Promise<{ session: SessionWithAgent; customerToken: string }> {
  const url = checkInput(input);
  const customer = customerColumns(input.metadata, {
    secret: input.metadata ? await loadIdentitySecret(deps.db) : null,
    origin: input.origin,
  });
  const chat = input.chatToken ? await chatForNewSession(deps, input.chatToken, input.origin) : null;
  const customerToken = newToken();
  let invitation: InvitationView | null = null;
  for (let attempt = 1; ; attempt++) {
    try {
      const session = await runAudited(deps.db, async (tx) => {
        const created = await tx.session.create({
          data: {
            code: newSessionCode(),
            customerTokenHash: hashToken(customerToken),
            origin: input.origin,
            url,
            viewportWidth: input.viewportWidth,
            viewportHeight: input.viewportHeight,
            chatId: chat?.id ?? null,
            ...customer,
          },
          include: { agent: true },
        });
        await appendAuditEvent(
          tx,
          created.id,
          { kind: 'CUSTOMER', id: null },
          { type: 'SESSION_STARTED', data: { origin: input.origin, url } },
        );
        if (input.invitationId) {
          invitation = await acceptInTransaction(tx, { invitationId: input.invitationId, origin: input.origin, customer }, created.id);
          await tx.session.update({ where: { id: created.id }, data: { invitedAgentId: invitation.agentId } });
          await appendAuditEvent(
            tx,
            created.id,
            { kind: 'CUSTOMER', id: null },
            {
              type: 'INVITATION_ACCEPTED',
              data: {
                invitationId: invitation.id,
                agentId: invitation.agentId,
                agentName: invitation.agentName,
                requestedAt: invitation.createdAt.toISOString(),
              },
            },
          );
        }
        return created;
      });
      await publishSessionEvent(deps, 'SESSION_STARTED', session);
      if (chat) await announceCobrowseInChat(deps, chat.id, session);
      if (invitation) await announceAccepted(deps, invitation);
      return { session, customerToken };
    } catch (error) {
      // A clash of random codes is rare; draw again.
      if (!isUniqueViolation(error) || attempt >= CODE_ATTEMPTS) throw error;
    }
  }
}
