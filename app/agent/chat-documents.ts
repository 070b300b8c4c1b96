import { gql } from '@urql/core';

/** The agent page's chat operations (R2, R5, R18). */
export const MY_CHATS = gql`
  query MyChats {
    myChats {
      id
      status
      customerName
      createdAt
    }
  }
`;

export const ACCEPT_CHAT = gql`
  mutation AcceptChat($chatId: ID!) {
    acceptChat(chatId: $chatId) {
      id
      status
      customerName
      createdAt
    }
  }
`;

export const SEND_CHAT_MESSAGE = gql`
  mutation SendChatMessage($chatId: ID!, $text: String!) {
    sendChatMessage(chatId: $chatId, text: $text) {
      sequence
    }
  }
`;

export const END_CHAT = gql`
  mutation EndChat($chatId: ID!) {
    endChat(chatId: $chatId) {
      id
      status
    }
  }
`;

export const CHAT_QUEUE = 'subscription ChatQueue { chatQueue }';

export const CHAT_STREAM = 'subscription ChatStream($chatId: ID!) { chatStream(chatId: $chatId) }';

/** A chat as the agent's list holds it. */
export interface ChatSummary {
  id: string;
  status: 'QUEUED' | 'ACTIVE' | 'ENDED';
  customerName: string | null;
  createdAt: string;
}
