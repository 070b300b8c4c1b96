'use client';

import { useQuery } from 'urql';
import { graphql } from '../../graphql/generated/client';
import { useRefetchContext } from '../lib/refetch-context';
import { formatClock, label } from './format';

const SESSION_CHAT = graphql(`
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
`);

/** The chat a session was started from, message by message, in the session's history. */
export function SessionChat({ sessionId, version }: { sessionId: string; version: number }) {
  const [{ data }] = useQuery({ query: SESSION_CHAT, variables: { sessionId }, context: useRefetchContext(version) });
  // An answer for the session shown before this one is not this session's chat.
  const chat = data?.session?.id === sessionId ? data.session.chat : null;
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
