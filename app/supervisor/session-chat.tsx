'use client';

import { gql, type Client } from '@urql/core';
import { useEffect, useState } from 'react';
import { formatClock, label } from './format';

const SESSION_CHAT = gql`
  query SessionChat($sessionId: ID!) {
    session(id: $sessionId) {
      id
      chat {
        id
        status
        customerName
        agent {
          name
        }
        messages(first: 500) {
          sequence
          at
          sender
          senderName
          text
        }
      }
    }
  }
`;

interface SessionChatResult {
  session: {
    chat: {
      status: string;
      customerName: string | null;
      agent: { name: string } | null;
      messages: { sequence: number; at: string; sender: string; senderName: string | null; text: string }[];
    } | null;
  } | null;
}

/** The chat a session was started from (R2), message by message, in the session's history. */
export function SessionChat({ urql, sessionId, version }: { urql: Client; sessionId: string; version: number }) {
  const [chat, setChat] = useState<NonNullable<SessionChatResult['session']>['chat']>(null);
  useEffect(() => {
    let current = true;
    void urql
      .query<SessionChatResult>(SESSION_CHAT, { sessionId })
      .toPromise()
      .then((result) => current && setChat(result.data?.session?.chat ?? null));
    return () => {
      current = false;
    };
  }, [urql, sessionId, version]);
  if (!chat) return null;
  return (
    <div className="session-chat" data-testid="session-chat">
      <h3>
        Chat with {chat.customerName ?? 'the customer'} ({label(chat.status)})
      </h3>
      <ol className="timeline">
        {chat.messages.map((message) => (
          <li key={message.sequence} className={`event-${message.sender.toLowerCase()}`}>
            <span className="muted small">
              {formatClock(message.at)} · {message.senderName ?? label(message.sender)}
            </span>
            <span>{message.text}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}
