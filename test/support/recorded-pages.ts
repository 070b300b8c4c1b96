import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { RecordedEvent, StreamMessage } from '../../protocol/index.ts';
import { agentJoins } from './cobrowse-pages.ts';
import { startCustomerSession, wsClient, wsCollect, wsExecute } from './graphql-client.ts';

const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';
const SEND_EVENTS = 'mutation($id: ID!, $batch: JSON!){ sendEvents(sessionId: $id, batch: $batch) }';

/** An element as rrweb serializes it. */
export const recordedElement = (id: number, tagName: string, attributes: Record<string, string> = {}, childNodes: unknown[] = []) => ({
  type: 2,
  id,
  tagName,
  attributes,
  childNodes,
});

/** Meta and a full snapshot, as rrweb records a page: a doctype (id 2), `<html>` (3), `<head>` (4) and the given body. */
export function recordedPage(href: string, body: ReturnType<typeof recordedElement>): RecordedEvent[] {
  const now = Date.now();
  return [
    { type: 4, data: { href, width: 1280, height: 800 }, timestamp: now },
    {
      type: 2,
      data: {
        node: {
          type: 0,
          id: 1,
          childNodes: [
            { type: 1, id: 2, name: 'html', publicId: '', systemId: '' },
            recordedElement(3, 'html', {}, [recordedElement(4, 'head'), body]),
          ],
        },
        initialOffset: { top: 0, left: 0 },
      },
      timestamp: now,
    },
  ];
}

/**
 * A customer speaking the protocol directly (no widget), joined by an agent's page: `send` sends
 * one batch of events and checks the server took it; `stream` is the customer's own stream.
 */
export async function protocolCustomer(serverUrl: string, agent: Page) {
  const session = await startCustomerSession(serverUrl);
  const customer = wsClient(serverUrl, { customerToken: session.customerToken });
  const stream = wsCollect<StreamMessage>(customer, STREAM, { id: session.id });
  await agentJoins(agent, serverUrl, session.code);
  await stream.next((message) => message.type === 'snapshot-request');
  let seq = 0;
  const send = async (events: unknown[]) =>
    assert.deepEqual(await wsExecute(customer, SEND_EVENTS, { id: session.id, batch: { seq: ++seq, sentAt: Date.now(), events } }), {
      data: { sendEvents: true },
    });
  return { customer, stream, send };
}
