import { graphql } from '../../graphql/generated/client';
import type { MyChatsQuery } from '../../graphql/generated/client/graphql';

/** The agent page's chat operations: the queue, the conversation, and co-browse started from a chat. */
export const MY_CHATS = graphql(`
  query MyChats {
    myChats {
      id
      status
      customerName
      createdAt
    }
  }
`);

export const ACCEPT_CHAT = graphql(`
  mutation AcceptChat($chatId: ID!) {
    acceptChat(chatId: $chatId) {
      id
      status
      customerName
      createdAt
    }
  }
`);

export const SEND_CHAT_MESSAGE = graphql(`
  mutation SendChatMessage($chatId: ID!, $text: String!) {
    sendChatMessage(chatId: $chatId, text: $text) {
      sequence
    }
  }
`);

export const END_CHAT = graphql(`
  mutation EndChat($chatId: ID!) {
    endChat(chatId: $chatId) {
      id
      status
    }
  }
`);

/** Each value is a protocol ChatQueueMessage (a JSON scalar). */
export const CHAT_QUEUE = graphql(`
  subscription ChatQueue {
    chatQueue
  }
`);

/** Each value is a protocol ChatStreamMessage (a JSON scalar). */
export const CHAT_STREAM = graphql(`
  subscription ChatStream($chatId: ID!) {
    chatStream(chatId: $chatId)
  }
`);

/** A chat as the agent's list holds it. */
export type ChatSummary = MyChatsQuery['myChats'][number];
