import type { StreamMessage } from '../../../protocol/index.ts';
import { stripBatchAddresses } from '../../../protocol/page-address.ts';
import { validateEventBatch } from '../../../protocol/validate.ts';
import { isSessionCustomer } from '../../authorize.ts';
import type { GraphQLContext } from '../../context.ts';
import { badInput, forbidden } from '../../../server/core/errors.ts';
import { rememberMessageJson } from '../../../server/core/pubsub/message-json.ts';
import { topics } from '../../../server/core/pubsub/index.ts';
import { keepTraceOfBatch, keptQueryParameters } from './batch-traces.ts';
import { admitCustomerBatch } from './customer-batch-guard.ts';

/**
 * A customer's event batch, from the `sendEvents` mutation or an upload frame
 * (server/http/batch-uploads.ts): admitted, checked, passed to the agent and kept as the site
 * wants. `json`, when given, is the text the batch was parsed from: the checks refuse any field
 * but the batch's own, so the agent's message is built around it instead of serialized again.
 * Before an agent has joined a batch is checked and dropped: nothing of the page is passed on,
 * recorded or audited.
 */
export async function takeCustomerBatch(ctx: GraphQLContext, sessionId: string, batch: unknown, json?: string): Promise<void> {
  if (!isSessionCustomer(ctx, sessionId)) throw forbidden('Only this session’s customer can send its page.');
  const shared = await admitCustomerBatch(ctx, sessionId);
  const checked = validateEventBatch(batch);
  if (!checked.ok) throw badInput(`Bad event batch: ${checked.problem}`);
  if (!shared) return;
  // The widget strips page addresses before they leave the browser; what another client left
  // in them is stripped here, and the batch then travels as changed.
  const kept = await keptQueryParameters(ctx);
  const stripped = stripBatchAddresses(checked.value.events, kept);
  const message: StreamMessage = { type: 'events', batch: checked.value };
  if (json !== undefined && !stripped) rememberMessageJson(message, `{"type":"events","batch":${json}}`);
  await ctx.pubsub.publish(topics.toAgent(sessionId), message);
  await keepTraceOfBatch(ctx, sessionId, checked.value, kept);
}
