import type { WebhookEvent } from '../../../graphql/generated/client/graphql';
import {
  apiEventName,
  CHAT_EVENTS,
  eventLabel,
  WEBHOOK_EVENT_NAMES,
  webhookEventName,
  type WebhookEventName,
} from '../../../protocol/session-events';

const choice = (name: WebhookEventName) => ({ value: apiEventName(webhookEventName(name)) as WebhookEvent, label: eventLabel(name) });
const isChatEvent = (name: WebhookEventName) => Object.hasOwn(CHAT_EVENTS, name);

/** The events an admin can choose, grouped as the form shows them, in the vocabulary's order and words. */
export const EVENT_GROUPS: { title: string; events: { value: WebhookEvent; label: string }[] }[] = [
  { title: 'Co-browse sessions', events: WEBHOOK_EVENT_NAMES.filter((name) => !isChatEvent(name)).map(choice) },
  { title: 'Chats', events: WEBHOOK_EVENT_NAMES.filter(isChatEvent).map(choice) },
];

export const ALL_EVENTS: WebhookEvent[] = EVENT_GROUPS.flatMap((group) => group.events.map((event) => event.value));

/** "All events", or how many of them. */
export const eventSummary = (events: readonly WebhookEvent[]) =>
  events.length === ALL_EVENTS.length ? 'All events' : `${events.length} event${events.length === 1 ? '' : 's'}`;
