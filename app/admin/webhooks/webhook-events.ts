import type { WebhookEvent } from '../../../graphql/generated/client/graphql';

/** The events an admin can choose, grouped as the form shows them. */
export const EVENT_GROUPS: { title: string; events: { value: WebhookEvent; label: string }[] }[] = [
  {
    title: 'Co-browse sessions',
    events: [
      { value: 'SESSION_STARTED', label: 'Session started' },
      { value: 'SESSION_AGENT_JOINED', label: 'Agent joined' },
      { value: 'SESSION_WRITE_REQUESTED', label: 'Write Mode requested' },
      { value: 'SESSION_WRITE_APPROVED', label: 'Write Mode approved' },
      { value: 'SESSION_WRITE_DECLINED', label: 'Write Mode declined' },
      { value: 'SESSION_WRITE_EXPIRED', label: 'Write Mode request expired' },
      { value: 'SESSION_POINTER_MODE', label: 'Back to pointer mode' },
      { value: 'SESSION_ENDED', label: 'Session ended' },
    ],
  },
  {
    title: 'Chats',
    events: [
      { value: 'CHAT_STARTED', label: 'Chat started' },
      { value: 'CHAT_ENDED', label: 'Chat ended' },
    ],
  },
];

export const ALL_EVENTS: WebhookEvent[] = EVENT_GROUPS.flatMap((group) => group.events.map((event) => event.value));

/** "All events", or how many of them. */
export const eventSummary = (events: readonly WebhookEvent[]) =>
  events.length === ALL_EVENTS.length ? 'All events' : `${events.length} event${events.length === 1 ? '' : 's'}`;
