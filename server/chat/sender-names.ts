import type { PrismaClient } from '../core/db/index.ts';
import { customerNameOf, type ChatMessageRow, type ChatRow } from './chat-rows.ts';

export type NamedMessage = ChatMessageRow & { senderName: string | null };

/** Puts a name to each message's sender: the agent's name, the customer's if given, none for the server. */
export async function nameSenders(db: PrismaClient, chat: ChatRow, messages: ChatMessageRow[]): Promise<NamedMessage[]> {
  const agentIds = [...new Set(messages.filter((m) => m.sender !== 'CUSTOMER' && m.senderId).map((m) => m.senderId!))];
  const users = agentIds.length ? await db.user.findMany({ where: { id: { in: agentIds } }, select: { id: true, name: true } }) : [];
  const names = new Map(users.map((user) => [user.id, user.name]));
  const customer = customerNameOf(chat);
  return messages.map((message) => ({
    ...message,
    senderName: message.sender === 'CUSTOMER' ? customer : message.senderId ? (names.get(message.senderId) ?? null) : null,
  }));
}
