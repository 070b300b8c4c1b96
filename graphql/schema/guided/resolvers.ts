import { staffActor } from '../../../server/audit/audit-event-types.ts';
import { answerGuidedMode, endGuidedMode, requestGuidedMode } from '../../../server/sessions/guided-mode.ts';
import { isSessionCustomer, requireUser } from '../../authorize.ts';
import { forbidden } from '../../../server/core/errors.ts';
import type { Resolvers } from '../../generated/resolvers-types.ts';

const customerOnly = () => forbidden('Only this session’s customer can do that.');

export const guidedResolvers: Resolvers = {
  Mutation: {
    requestGuidedMode: (_parent, { sessionId }, ctx) => requestGuidedMode(ctx, requireUser(ctx, 'AGENT'), sessionId),
    answerGuidedMode(_parent, { sessionId, requestId, approve }, ctx) {
      if (!isSessionCustomer(ctx, sessionId)) throw customerOnly();
      return answerGuidedMode(ctx, sessionId, requestId, approve);
    },
    async endGuidedMode(_parent, { sessionId }, ctx) {
      if (isSessionCustomer(ctx, sessionId)) return (await endGuidedMode(ctx, sessionId, { kind: 'CUSTOMER', id: null })).session;
      const user = requireUser(ctx, 'AGENT');
      const session = await ctx.db.session.findUnique({ where: { id: sessionId }, select: { agentId: true } });
      if (session?.agentId !== user.id) throw forbidden('You are not the agent of this session.');
      return (await endGuidedMode(ctx, sessionId, staffActor(user))).session;
    },
  },
};
