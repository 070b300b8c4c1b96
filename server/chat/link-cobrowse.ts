import { cobrowseStartText, type ChatStreamMessage } from '../../protocol/chat.ts';
import { badInput } from '../core/errors.ts';
import { hashToken } from '../auth/tokens.ts';
import type { ChatRow, ChatStoreDeps } from './chat-rows.ts';
import { chatTopics } from './chat-topics.ts';
import { appendChatMessage } from './post-chat-message.ts';

/**
 * The open chat a new co-browse session belongs to, from the customer's chat token. An
 * ended chat starts a plain session; a token that opens no chat, or one from another site, is refused.
 */
export async function chatForNewSession(deps: ChatStoreDeps, chatToken: string, origin: string): Promise<ChatRow | null> {
  const chat = await deps.db.chat.findUnique({ where: { customerTokenHash: hashToken(chatToken) } });
  if (!chat || chat.origin !== origin) throw badInput('chatToken does not open a chat on this site.');
  return chat.status === 'ENDED' ? null : chat;
}

/**
 * Posts `{start:<ID>}` into the chat (both sides see it) and tells the chat's agent to open the
 * session — unless the agent already has one open (one at a time), in which case the agent page says so
 * and the agent can join later by ID.
 */
export async function announceCobrowseInChat(deps: ChatStoreDeps, chatId: string, session: { id: string; code: string }): Promise<void> {
  await appendChatMessage(deps, chatId, { kind: 'SYSTEM', id: null }, null, cobrowseStartText(session.code));
  const chat = await deps.db.chat.findUnique({ where: { id: chatId }, select: { agent: { select: { activeSessionId: true } } } });
  if (!chat?.agent) return; // still queued: the agent who accepts sees the message and joins by ID
  await deps.pubsub.publish(chatTopics.chat(chatId), {
    type: 'cobrowse-started',
    sessionId: session.id,
    code: session.code,
    agentBusy: chat.agent.activeSessionId !== null,
  } satisfies ChatStreamMessage);
}
