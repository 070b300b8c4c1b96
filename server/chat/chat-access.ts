import { forbidden, notFound, unauthenticated } from '../core/errors.ts';
import type { PrismaClient } from '../core/db/index.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { Actor } from '../audit/audit-event-types.ts';
import { hashToken } from '../auth/tokens.ts';
import type { ChatWithAgent } from './chat-rows.ts';
import { requireApiKeyScope } from '../auth/api-keys.ts';

/** Who is acting on a chat: its customer (with the chat's token) or its agent. */
/** What the chat checks read: the database and who is calling. */
interface ChatCaller {
  db: PrismaClient;
  viewer: Viewer;
}

export interface ChatParticipant {
  chat: ChatWithAgent;
  actor: Actor;
  /** Shown next to their messages. */
  name: string | null;
}

async function loadChat(ctx: ChatCaller, chatId: string): Promise<ChatWithAgent> {
  const chat = await ctx.db.chat.findUnique({ where: { id: chatId }, include: { agent: true } });
  if (!chat) throw notFound('No such chat.');
  return chat;
}

/** True when `chatToken` is this chat's customer secret. */
export const holdsChatToken = (chat: { customerTokenHash: string }, chatToken: string | null | undefined): boolean =>
  typeof chatToken === 'string' && chatToken !== '' && hashToken(chatToken) === chat.customerTokenHash;

/**
 * The chat's customer (proved by the token) or the agent who accepted it; nobody else may write
 * in a chat. Another chat's token or another agent is refused without telling which chat exists.
 */
export async function chatParticipant(ctx: ChatCaller, chatId: string, chatToken: string | null | undefined): Promise<ChatParticipant> {
  const chat = await loadChat(ctx, chatId);
  if (holdsChatToken(chat, chatToken)) return { chat, actor: { kind: 'CUSTOMER', id: null }, name: null };
  if (chatToken) throw forbidden('This chat token does not open that chat.');
  const user = ctx.viewer.user;
  if (!user) throw unauthenticated();
  if (user.role !== 'AGENT' || chat.agentId !== user.id)
    throw forbidden('Only the chat’s customer and the agent who accepted it can do that.');
  return { chat, actor: { kind: 'AGENT', id: user.id }, name: user.name };
}

/**
 * Who may read a chat: its customer and its agent, supervisors, admins and read-only API keys.
 */
export async function readableChat(ctx: ChatCaller, chatId: string, chatToken: string | null | undefined): Promise<ChatWithAgent> {
  const chat = await loadChat(ctx, chatId);
  if (holdsChatToken(chat, chatToken)) return chat;
  if (chatToken) throw forbidden('This chat token does not open that chat.');
  if (ctx.viewer.apiKeyId && !ctx.viewer.user) {
    requireApiKeyScope(ctx.viewer, 'CHATS_READ');
    return chat;
  }
  const user = ctx.viewer.user;
  if (!user) throw unauthenticated();
  if (user.role === 'AGENT' && chat.agentId !== user.id) throw forbidden('This chat is not yours.');
  return chat;
}
