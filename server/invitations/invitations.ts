import { randomUUID } from 'node:crypto';
import { MAX_INVITATION_IDENTITY_LENGTH, type InvitationPrompt, type InvitationStatus } from '../../protocol/invitations.ts';
import { webhookEventName } from '../../protocol/session-events.ts';
import { AppError, ErrorCode, badInput, forbidden, notFound } from '../core/errors.ts';
import type { PrismaClient, TransactionClient, UserRow } from '../core/db/index.ts';
import type { Config } from '../core/config.ts';
import { topics, type PubSub } from '../core/pubsub/index.ts';
import type { RateLimits } from '../limits/rate-limiter.ts';
import { checkIdentityToken, MAX_IDENTITY_TOKEN_LENGTH } from '../sessions/identity-signature.ts';
import { loadIdentitySecret } from '../settings/identity-secret.ts';
import { areInvitationsEnabled } from '../settings/invitations-setting.ts';
import { loadSiteSettings } from '../settings/site-settings.ts';
import { requireCapability } from '../settings/capabilities.ts';
import { enqueueWebhookEvent } from '../webhooks/enqueue-webhook-event.ts';
import { identityKeys, reachableTopicKey, type CustomerName, type IdentityKey, type ReachableCustomers } from './reachable-customers.ts';

export interface InvitationDeps {
  db: PrismaClient;
  pubsub: PubSub;
  limits: RateLimits;
  config: Config;
  reachable: ReachableCustomers;
}

/** An invitation as stored, with the asking agent's name. */
export interface InvitationView {
  id: string;
  status: InvitationStatus;
  agentId: string;
  agentName: string;
  origin: string;
  customerEmail: string | null;
  customerAccountId: string | null;
  createdAt: Date;
  expiresAt: Date;
  answeredAt: Date | null;
  sessionId: string | null;
}

/** What the agent's page hears about its request. */
export type InvitationChange = { invitationId: string };

const disabled = () =>
  new AppError(ErrorCode.INVITATIONS_DISABLED, 'Requests to co-browse are turned off for this site; an admin can turn them on.');
const closed = () => new AppError(ErrorCode.INVITATION_CLOSED, 'This request to co-browse was already answered or has expired.');
const notReachable = () =>
  new AppError(ErrorCode.IDENTITY_UNVERIFIED, 'Only a customer whose identity the site signed can be asked to co-browse.');

async function requireEnabled(db: PrismaClient): Promise<void> {
  if (!(await areInvitationsEnabled(db))) throw disabled();
}

/** The one identity key an agent names a customer by: an e-mail address or an account id, not both, never oversized. */
function namedKey(name: CustomerName): IdentityKey {
  const email = name.email?.trim() ?? '';
  const accountId = name.accountId?.trim() ?? '';
  if ((email === '') === (accountId === '')) throw badInput('Name the customer by e-mail or by account id (one of them).');
  if (email.length > MAX_INVITATION_IDENTITY_LENGTH || accountId.length > MAX_INVITATION_IDENTITY_LENGTH)
    throw badInput(`A customer's e-mail or account id is at most ${MAX_INVITATION_IDENTITY_LENGTH} characters.`);
  return identityKeys({ email, accountId })[0]!;
}

const columnsOfKey = (key: IdentityKey) =>
  key.startsWith('e:')
    ? { customerEmail: key.slice(2), customerAccountId: null }
    : { customerEmail: null, customerAccountId: key.slice(2) };

const keyOfRow = (row: { customerEmail: string | null; customerAccountId: string | null }): IdentityKey =>
  row.customerEmail !== null ? `e:${row.customerEmail}` : `a:${row.customerAccountId}`;

const viewOf = (row: Omit<InvitationView, 'agentName' | 'status'> & { status: string; agentName?: string }, agentName: string) =>
  ({ ...row, status: row.status as InvitationStatus, agentName }) satisfies InvitationView;

/** The invitation with its agent's name, or null. */
export async function findInvitation(db: PrismaClient, invitationId: string): Promise<InvitationView | null> {
  if (invitationId.length > 100) return null;
  const row = await db.invitation.findUnique({ where: { id: invitationId } });
  if (!row) return null;
  const agent = await db.user.findUnique({ where: { id: row.agentId }, select: { name: true } });
  return viewOf(row, agent?.name ?? '');
}

/** The sites a verified customer is on now, for the lookup on the agent's page. */
export async function reachableSites(deps: InvitationDeps, user: UserRow, name: CustomerName): Promise<string[]> {
  await requireInviter(deps, user);
  return deps.reachable.sitesOf(namedKey(name));
}

/** Whether requests are on and the user's role may send them. */
export async function mayInvite(deps: Pick<InvitationDeps, 'db'>, user: UserRow): Promise<boolean> {
  if (user.role === 'ADMIN' || !(await areInvitationsEnabled(deps.db))) return false;
  const { capabilities } = await loadSiteSettings(deps.db);
  return (user.role === 'SUPERVISOR' ? capabilities.supervisor : capabilities.agent).invite;
}

async function requireInviter(deps: InvitationDeps, user: UserRow): Promise<void> {
  await requireEnabled(deps.db);
  const { capabilities } = await loadSiteSettings(deps.db);
  requireCapability(user.role === 'SUPERVISOR' ? capabilities.supervisor : capabilities.agent, 'invite', 'Asking customers to co-browse');
}

/**
 * An agent asks a verified customer who is on the site now to co-browse. Refused when the customer
 * is not reachable (not here, unsigned, another site), already has a request waiting, or one of
 * the two rate limits is spent; the customer's tabs show who asks, and nothing of their page
 * leaves it before they accept.
 */
export async function inviteCustomer(
  deps: InvitationDeps,
  agent: UserRow,
  input: CustomerName & { site?: string | null },
  now = new Date(),
): Promise<InvitationView> {
  await requireInviter(deps, agent);
  const key = namedKey(input);
  if (input.site && input.site.length > MAX_INVITATION_IDENTITY_LENGTH) throw badInput('That is not a site origin.');
  // Counted before the lookup: an agent cannot probe who is online faster than they may ask.
  await deps.limits
    .limiter('invitations-agent', {
      points: deps.config.invitationsPerAgentPerMinute,
      durationSeconds: 60,
      message: 'Too many requests to co-browse. Wait a minute and try again.',
    })
    .consume(agent.id);
  if (agent.activeSessionId)
    throw new AppError(ErrorCode.AGENT_BUSY, 'You already have a co-browse session open. Exit it before asking another customer.');
  const sites = deps.reachable.sitesOf(key);
  const origin = input.site ? sites.find((site) => site === input.site) : sites[0];
  if (!origin)
    throw notFound(
      input.site && sites.length > 0
        ? `This customer is not on ${input.site} now.`
        : 'No verified customer by that name is on the site now.',
    );
  const pending = await deps.db.invitation.findFirst({ where: { ...columnsOfKey(key), status: 'PENDING', expiresAt: { gt: now } } });
  if (pending) throw new AppError(ErrorCode.INVITATION_PENDING, 'This customer already has a request to co-browse waiting for an answer.');
  await deps.limits
    .limiter('invitations-customer', {
      points: deps.config.invitationsPerCustomerPer10Minutes,
      durationSeconds: 600,
      message: 'This customer was asked to co-browse several times already. Wait a few minutes before asking again.',
    })
    .consume(key);

  const ttlMs = deps.config.invitationTtlSeconds * 1000;
  const row = await deps.db.$transaction(async (tx) => {
    const created = await tx.invitation.create({
      data: { id: randomUUID(), agentId: agent.id, origin, ...columnsOfKey(key), expiresAt: new Date(now.getTime() + ttlMs) },
    });
    await announce(tx, 'INVITATION_SENT', viewOf(created, agent.name));
    return created;
  });
  const view = viewOf(row, agent.name);
  await tellCustomer(deps, view, true);
  // The instance that sent it closes it on time; should it stop first, the stored expiry refuses a late answer.
  setTimeout(() => void expireInvitation(deps, view.id).catch(console.error), ttlMs).unref();
  return view;
}

/** Queues the webhook an invitation event announces, in the transaction that records it. */
async function announce(
  tx: TransactionClient,
  type: 'INVITATION_SENT' | 'INVITATION_DECLINED' | 'INVITATION_EXPIRED',
  view: InvitationView,
) {
  await enqueueWebhookEvent(tx, {
    type: webhookEventName(type),
    data: {
      invitationId: view.id,
      agentId: view.agentId,
      agentName: view.agentName,
      site: view.origin,
      customerEmail: view.customerEmail,
      customerAccountId: view.customerAccountId,
      expiresAt: view.expiresAt.toISOString(),
    },
  });
}

/** Tells every tab of the customer about a request (`open`), or that it is settled and its prompt goes. */
async function tellCustomer(deps: Pick<InvitationDeps, 'pubsub'>, view: InvitationView, open: boolean): Promise<void> {
  const prompt: InvitationPrompt = { invitationId: view.id, open, agentName: view.agentName, expiresAt: view.expiresAt.toISOString() };
  await deps.pubsub.publish(topics.toReachable(reachableTopicKey(view.origin, keyOfRow(view))), prompt);
}

/** Tells the agent's page (wherever it is connected) that its request changed. */
const tellAgent = (deps: Pick<InvitationDeps, 'pubsub'>, invitationId: string) =>
  deps.pubsub.publish(topics.invitation(invitationId), { invitationId } satisfies InvitationChange);

/** Settles a pending invitation as `status` (at most once); returns it as settled, or null when it was not pending. */
async function settle(
  deps: Pick<InvitationDeps, 'db' | 'pubsub'>,
  invitationId: string,
  status: 'DECLINED' | 'EXPIRED',
  where: object = {},
): Promise<InvitationView | null> {
  const view = await deps.db.$transaction(async (tx) => {
    const changed = await tx.invitation.updateMany({
      where: { id: invitationId, status: 'PENDING', ...where },
      data: { status, answeredAt: new Date() },
    });
    if (changed.count === 0) return null;
    const row = await tx.invitation.findUniqueOrThrow({ where: { id: invitationId } });
    const agent = await tx.user.findUnique({ where: { id: row.agentId }, select: { name: true } });
    const settled = viewOf(row, agent?.name ?? '');
    await announce(tx, status === 'DECLINED' ? 'INVITATION_DECLINED' : 'INVITATION_EXPIRED', settled);
    return settled;
  });
  if (view) await Promise.all([tellCustomer(deps, view, false), tellAgent(deps, invitationId)]);
  return view;
}

/** Closes an unanswered invitation: the agent is told "no answer", the customer's prompt goes. */
export const expireInvitation = (deps: Pick<InvitationDeps, 'db' | 'pubsub'>, invitationId: string) =>
  settle(deps, invitationId, 'EXPIRED');

/** The verified identity keys a customer's signed token proves, on the site it was made for; throws otherwise. */
export async function provenKeys(db: PrismaClient, identityToken: string, origin: string | null): Promise<IdentityKey[]> {
  if (identityToken.length > MAX_IDENTITY_TOKEN_LENGTH)
    throw badInput(`identityToken is longer than ${MAX_IDENTITY_TOKEN_LENGTH} characters.`);
  if (!origin) throw notReachable();
  const check = checkIdentityToken(identityToken, await loadIdentitySecret(db), origin);
  if (!check.ok) throw notReachable();
  const { email, accountId } = check.claims;
  const keys = identityKeys({
    email: typeof email === 'string' && email.length <= MAX_INVITATION_IDENTITY_LENGTH ? email : null,
    accountId: typeof accountId === 'string' && accountId.length <= MAX_INVITATION_IDENTITY_LENGTH ? accountId : null,
  });
  if (keys.length === 0) throw notReachable();
  return keys;
}

/** Columns that match an invitation to any of the keys a customer proved. */
const forKeys = (keys: IdentityKey[]) => ({
  OR: keys.map(columnsOfKey).map(({ customerEmail, customerAccountId }) => (customerEmail ? { customerEmail } : { customerAccountId })),
});

/** The customer declines, proving who they are with their signed identity; anybody else learns only "closed". */
export async function declineInvitation(
  deps: InvitationDeps,
  input: { invitationId: string; identityToken: string; origin: string | null },
): Promise<InvitationView> {
  const keys = await provenKeys(deps.db, input.identityToken, input.origin);
  const declined = await settle(deps, input.invitationId, 'DECLINED', { origin: input.origin, ...forKeys(keys) });
  if (!declined) throw closed();
  return declined;
}

/** Requests for these keys on this site still waiting for an answer, for a tab that opens meanwhile. */
export async function pendingPrompts(db: PrismaClient, origin: string, keys: IdentityKey[], now = new Date()): Promise<InvitationPrompt[]> {
  const rows = await db.invitation.findMany({ where: { origin, status: 'PENDING', expiresAt: { gt: now }, ...forKeys(keys) }, take: 2 });
  const names = await db.user.findMany({ where: { id: { in: rows.map((row) => row.agentId) } }, select: { id: true, name: true } });
  return rows.map((row) => ({
    invitationId: row.id,
    open: true,
    agentName: names.find((user) => user.id === row.agentId)?.name ?? '',
    expiresAt: row.expiresAt.toISOString(),
  }));
}

/**
 * Within the transaction that starts a session: the customer accepts the invitation. Only the
 * customer it was for — the same verified identity, on the same site — may; anyone else is refused.
 * Returns the invitation (the session's agent-to-be) for the session row and its audit row.
 */
export async function acceptInTransaction(
  tx: TransactionClient,
  input: {
    invitationId: string;
    origin: string;
    customer: { customerEmail: string | null; customerAccountId: string | null; customerVerified: boolean };
  },
  sessionId: string,
  now = new Date(),
): Promise<InvitationView> {
  if (input.invitationId.length > 100) throw closed();
  const row = await tx.invitation.findUnique({ where: { id: input.invitationId } });
  if (!row || row.status !== 'PENDING' || row.expiresAt <= now) throw closed();
  const { customer } = input;
  const same =
    customer.customerVerified &&
    row.origin === input.origin &&
    ((row.customerEmail !== null && row.customerEmail === customer.customerEmail) ||
      (row.customerAccountId !== null && row.customerAccountId === customer.customerAccountId));
  if (!same) throw forbidden('This request to co-browse is for another customer.');
  const changed = await tx.invitation.updateMany({
    where: { id: row.id, status: 'PENDING' },
    data: { status: 'ACCEPTED', answeredAt: now, sessionId },
  });
  if (changed.count === 0) throw closed();
  const agent = await tx.user.findUnique({ where: { id: row.agentId }, select: { name: true } });
  return viewOf({ ...row, status: 'ACCEPTED', answeredAt: now, sessionId }, agent?.name ?? '');
}

/** After the accepting session committed: every tab drops its prompt and the agent's page joins. */
export async function announceAccepted(deps: Pick<InvitationDeps, 'pubsub'>, view: InvitationView): Promise<void> {
  await Promise.all([tellCustomer(deps, view, false), tellAgent(deps, view.id)]);
}
