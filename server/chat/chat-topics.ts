/** Pub/sub topics of chats, in one place so publishers and subscribers cannot drift apart. */
export const chatTopics = {
  /** Everything about one chat, for its customer, its agent and readers. */
  chat: (chatId: string) => `chat:${chatId}`,
  /** Chats joining and leaving the queue, for agents. */
  queue: 'chats:queue',
  /** Every new chat, for supervisors and the API. */
  started: 'chats:started',
} as const;
