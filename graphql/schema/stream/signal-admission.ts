import type { AgentSignal, Capabilities, CapabilityRole, GuidedSignal } from '../../../protocol/index.ts';
import { MAX_GUIDED_SIGNALS_PER_SECOND } from '../../../protocol/guided-mode.ts';
import { loadSiteSettings } from '../../../server/settings/site-settings.ts';
import { checkSignalCapability, checkSignalMode } from '../../../server/sessions/signal-policy.ts';
import type { GraphQLContext } from '../../context.ts';

/**
 * A role's capabilities are read at most this often per connection: pointer signals come many
 * times a second, and an admin's change reaches running sessions within this long.
 */
const CAPABILITIES_MEMO_MS = 2000;

/** The capabilities of a role as the site has them now (remembered briefly per connection). */
export async function capabilitiesOf(ctx: GraphQLContext, role: CapabilityRole): Promise<Capabilities> {
  const key = `capabilities:${role}`;
  const known = ctx.memo.get(key) as { at: number; value: Capabilities } | undefined;
  if (known && performance.now() - known.at < CAPABILITIES_MEMO_MS) return known.value;
  const value = (await loadSiteSettings(ctx.db)).capabilities[role];
  ctx.memo.set(key, { at: performance.now(), value });
  return value;
}

/** Refuses a signal the sender's role may not use (CAPABILITY_DISABLED). */
export async function admitByCapability(ctx: GraphQLContext, role: CapabilityRole, signal: AgentSignal): Promise<void> {
  checkSignalCapability(await capabilitiesOf(ctx, role), signal);
}

/**
 * Lets a scroll or highlight through only in a mode the customer approved for it (Guided or Write
 * Mode, read as the session is now: the customer can take it back at any moment), and within the
 * session's rate; more are refused with RATE_LIMITED.
 */
export async function admitGuidedSignal(ctx: GraphQLContext, sessionId: string, signal: GuidedSignal): Promise<void> {
  const session = await ctx.db.session.findUnique({ where: { id: sessionId }, select: { mode: true, status: true } });
  checkSignalMode(session, signal);
  await ctx.limits
    .limiter('guided-signals', {
      points: MAX_GUIDED_SIGNALS_PER_SECOND * 2,
      durationSeconds: 2,
      message: 'Too many scrolls or highlights at once; wait a moment.',
    })
    .consume(sessionId);
}
