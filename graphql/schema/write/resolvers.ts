import { staffActor } from '../../../server/audit/audit-event-types.ts';
import { validateActionResult } from '../../../protocol/validate.ts';
import type { StreamMessage } from '../../../protocol/index.ts';
import { answerWriteMode, requestWriteMode, setPointerMode } from '../../../server/sessions/write-mode.ts';
import { isSessionCustomer, requireUser } from '../../authorize.ts';
import { badInput, forbidden } from '../../../server/core/errors.ts';
import type { Resolvers } from '../../generated/resolvers-types.ts';
import { topics } from '../../../server/core/pubsub/index.ts';

const customerOnly = () => forbidden('Only this session’s customer can do that.');

export const writeResolvers: Resolvers = {
  Mutation: {
    requestWriteMode: (_parent, { sessionId }, ctx) => requestWriteMode(ctx, requireUser(ctx, 'AGENT'), sessionId),
    answerWriteMode(_parent, { sessionId, requestId, approve }, ctx) {
      if (!isSessionCustomer(ctx, sessionId)) throw customerOnly();
      return answerWriteMode(ctx, sessionId, requestId, approve);
    },
    async setPointerMode(_parent, { sessionId }, ctx) {
      if (isSessionCustomer(ctx, sessionId)) return setPointerMode(ctx, sessionId, { kind: 'CUSTOMER', id: null });
      const user = requireUser(ctx, 'AGENT');
      const session = await ctx.db.session.findUnique({ where: { id: sessionId }, select: { agentId: true } });
      if (session?.agentId !== user.id) throw forbidden('You are not the agent of this session.');
      return setPointerMode(ctx, sessionId, staffActor(user));
    },
    async reportActionResult(_parent, { sessionId, result }, ctx) {
      if (!isSessionCustomer(ctx, sessionId)) throw customerOnly();
      const checked = validateActionResult(result);
      if (!checked.ok) throw badInput(`Bad action result: ${checked.problem}`);
      const message: StreamMessage = { type: 'action-result', ...checked.value };
      await ctx.pubsub.publish(topics.toAgent(sessionId), message);
      return true;
    },
  },
};
