/**
 * The co-browse stream protocol shared by the widget, the server and the agent page.
 * Types only plus small validators for the server; nothing here imports Node or the DOM.
 */
export * from './messages.ts';
export * from './limits.ts';
export * from './guided-mode.ts';
export type { CustomerMetadata } from './customer-metadata.ts';
