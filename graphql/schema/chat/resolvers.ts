import type { ChatQueueMessage, ChatStreamMessage } from '../../../protocol/chat.ts';
import { acceptChat } from '../../../server/chat/accept-chat.ts';
import { chatParticipant, readableChat } from '../../../server/chat/chat-access.ts';
import { CHAT_START_RATE } from '../../../server/chat/chat-limits.ts';
import { customerNameOf } from '../../../server/chat/chat-rows.ts';
import { chatTopics } from '../../../server/chat/chat-topics.ts';
import { toChatState, toMessageView, toQueuedChat } from '../../../server/chat/chat-views.ts';
import { endChat } from '../../../server/chat/end-chat.ts';
import { postChatMessage } from '../../../server/chat/post-chat-message.ts';
import { nameSenders, type NamedMessage } from '../../../server/chat/sender-names.ts';
import { startChat } from '../../../server/chat/start-chat.ts';
import { isAllowedOrigin } from '../../../server/settings/allowed-origins.ts';
import { requireHistoryReader, requireScope, requireUser } from '../../authorize.ts';
import { idPage } from '../../pagination.ts';
import type { GraphQLContext } from '../../context.ts';
import { AppError, ErrorCode, badInput } from '../../../server/core/errors.ts';
import type { Resolvers } from '../../generated/resolvers-types.ts';
import { subscribeToTopics } from '../../../server/core/pubsub/index.ts';

/** Messages a stream replays to a (re)subscriber; older ones stay readable through `Chat.messages`. */
const STREAM_HISTORY = 500;
const MAX_MESSAGES_PAGE = 500;
const MAX_CHATS_PAGE = 200;
const MAX_CHAT_SESSIONS_PAGE = 100;
/** The oldest queued chats an agent's page is sent on (re)subscribing; a flooded queue is not sent whole. */
const MAX_QUEUE_SHOWN = 200;

/** Chats start from this server's own pages (the demo) and from allowed sites, as sessions do. */
const mayStartFrom = async (ctx: GraphQLContext, origin: string | null): Promise<boolean> =>
  origin !== null && (origin === ctx.selfOrigin || (await isAllowedOrigin(ctx, origin)));

/** Who may read every chat: supervisors, admins and API keys; the chat's agent its own. */
function readsEveryChat(ctx: GraphQLContext): boolean {
  if (ctx.viewer.apiKeyId && !ctx.viewer.user) return true;
  return ctx.viewer.user?.role === 'SUPERVISOR' || ctx.viewer.user?.role === 'ADMIN';
}

const isEnd = (message: ChatStreamMessage) => message.type === 'chat' && (message.event === 'ended' || message.chat.status === 'ENDED');

export const chatResolvers: Resolvers = {
  Query: {
    chat: (_parent, { id, chatToken }, ctx) => readableChat(ctx, id, chatToken),
    chats(_parent, { status, first, after }, ctx) {
      requireHistoryReader(ctx, 'CHATS_READ');
      return ctx.db.chat.findMany({
        where: status ? { status } : {},
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        ...idPage({ first, after }, 50, MAX_CHATS_PAGE),
      });
    },
    myChats(_parent, { first, after }, ctx) {
      const agent = requireUser(ctx, 'AGENT');
      return ctx.db.chat.findMany({
        where: { agentId: agent.id, status: 'ACTIVE' },
        orderBy: [{ acceptedAt: 'asc' }, { id: 'asc' }],
        ...idPage({ first, after }, 50, MAX_CHATS_PAGE),
      });
    },
  },
  Mutation: {
    async startChat(_parent, { input }, ctx) {
      const origin = ctx.requestOrigin;
      if (!origin || !(await mayStartFrom(ctx, origin))) {
        throw new AppError(ErrorCode.ORIGIN_NOT_ALLOWED, 'Chat can only start from a page on an allowed site.');
      }
      await ctx.limits.limiter('chat-start', CHAT_START_RATE).consume(ctx.clientAddress);
      return startChat(ctx, { origin, url: input.url, customerName: input.customerName });
    },
    async sendChatMessage(_parent, { chatId, text, chatToken }, ctx) {
      const { chat, actor, name } = await chatParticipant(ctx, chatId, chatToken);
      const message = await postChatMessage(ctx, chat, actor, actor.kind === 'CUSTOMER' ? customerNameOf(chat) : name, text);
      if (chat.status === 'QUEUED' && actor.kind === 'CUSTOMER') {
        // Agents picking from the queue see what the customer is asking.
        const update: ChatQueueMessage = { type: 'queued', chat: toQueuedChat(chat, message.text) };
        await ctx.pubsub.publish(chatTopics.queue, update);
      }
      return { ...message, senderName: actor.kind === 'CUSTOMER' ? customerNameOf(chat) : name } satisfies NamedMessage;
    },
    acceptChat: (_parent, { chatId }, ctx) => acceptChat(ctx, requireUser(ctx, 'AGENT'), chatId),
    async endChat(_parent, { chatId, chatToken }, ctx) {
      const { actor } = await chatParticipant(ctx, chatId, chatToken);
      return endChat(ctx, chatId, actor);
    },
  },
  Subscription: {
    chatStream: {
      async subscribe(_parent, { chatId, chatToken }, ctx) {
        const chat = await readableChat(ctx, chatId, chatToken);
        return subscribeToTopics<ChatStreamMessage>(ctx.pubsub, [chatTopics.chat(chat.id)], {
          initial: async () => {
            const current = await ctx.db.chat.findUniqueOrThrow({ where: { id: chatId }, include: { agent: true } });
            const latest = await ctx.db.chatMessage.findMany({ where: { chatId }, orderBy: { sequence: 'desc' }, take: STREAM_HISTORY });
            const named = await nameSenders(ctx.db, current, latest.reverse());
            return [
              { type: 'chat', event: 'state', chat: toChatState(current) },
              ...named.map((message): ChatStreamMessage => ({ type: 'message', message: toMessageView(message, message.senderName) })),
            ];
          },
          // Only the chat's own agent is told to open a co-browse session.
          filter: (message) => message.type !== 'cobrowse-started' || (ctx.viewer.user?.id === chat.agentId && chat.agentId !== null),
          isLast: isEnd,
        });
      },
      resolve: (message: ChatStreamMessage) => message,
    },
    chatQueue: {
      async subscribe(_parent, _args, ctx) {
        requireUser(ctx, 'AGENT');
        return subscribeToTopics<ChatQueueMessage>(ctx.pubsub, [chatTopics.queue], {
          initial: async () => {
            const queued = await ctx.db.chat.findMany({
              where: { status: 'QUEUED' },
              orderBy: { createdAt: 'asc' },
              take: MAX_QUEUE_SHOWN,
              include: { messages: { where: { sender: 'CUSTOMER' }, orderBy: { sequence: 'desc' }, take: 1 } },
            });
            return [{ type: 'snapshot', chats: queued.map((chat) => toQueuedChat(chat, chat.messages[0]?.text ?? null)) }];
          },
        });
      },
      resolve: (message: ChatQueueMessage) => message,
    },
    chatStarted: {
      async subscribe(_parent, _args, ctx) {
        requireHistoryReader(ctx, 'CHATS_READ');
        return subscribeToTopics<{ chatId: string }>(ctx.pubsub, [chatTopics.started]);
      },
      resolve: (message: { chatId: string }, _args: unknown, ctx: GraphQLContext) =>
        ctx.db.chat.findUniqueOrThrow({ where: { id: message.chatId } }),
    },
  },
  Chat: {
    customerName: (chat) => customerNameOf(chat),
    agent: (chat, _args, ctx) =>
      'agent' in chat ? (chat.agent as never) : chat.agentId ? ctx.db.user.findUnique({ where: { id: chat.agentId } }) : null,
    async messages(chat, { afterSequence, first }, ctx) {
      const take = first ?? 200;
      if (!Number.isInteger(take) || take < 1 || take > MAX_MESSAGES_PAGE)
        throw badInput(`first must be between 1 and ${MAX_MESSAGES_PAGE}.`);
      const rows = await ctx.db.chatMessage.findMany({
        where: { chatId: chat.id, sequence: { gt: afterSequence ?? 0 } },
        orderBy: { sequence: 'asc' },
        take,
      });
      return nameSenders(ctx.db, chat, rows);
    },
    messageCount: (chat, _args, ctx) => ctx.db.chatMessage.count({ where: { chatId: chat.id } }),
    sessions(chat, { first, after }, ctx) {
      requireScope(ctx, 'SESSIONS_READ');
      return ctx.db.session.findMany({
        where: { chatId: chat.id },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        ...idPage({ first, after }, 20, MAX_CHAT_SESSIONS_PAGE),
      });
    },
  },
  ChatMessage: {
    senderName: (message) => ('senderName' in message ? (message.senderName as string | null) : null),
  },
  Session: {
    async chat(session, _args, ctx) {
      requireScope(ctx, 'CHATS_READ');
      if (!session.chatId) return null;
      const chat = await ctx.db.chat.findUnique({ where: { id: session.chatId } });
      if (!chat) return null;
      return readsEveryChat(ctx) || (ctx.viewer.user && chat.agentId === ctx.viewer.user.id) ? chat : null;
    },
  },
};
