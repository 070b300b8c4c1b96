import type { ChatTexts } from '../api.ts';

/** The chat window in English, built into /widget-chat.js; the page's language and the site's overrides go on top. */
export const CHAT_EN: ChatTexts = {
  chatTitle: 'Chat',
  chatMinimise: 'Minimise the chat',
  chatMessages: 'Messages',
  chatMessage: 'Message',
  chatSend: 'Send',
  chatEnd: 'End chat',
  chatPlaceholder: 'Type a message…',
  chatPlaceholderNew: 'Type to start a new chat…',
  chatWelcome: 'Ask us anything. An agent will answer here.',
  chatWaiting: 'Waiting for an agent…',
  chatWith: 'with {agent}',
  chatAnAgent: 'an agent',
  chatEnded: 'Ended',
  chatJoined: '{agent} joined the chat.',
  chatEndedByYou: 'You ended the chat.',
  chatEndedByAgent: 'The agent ended the chat.',
  chatUnavailable: 'This chat is no longer available.',
  chatUnread: '{count} new',
};
