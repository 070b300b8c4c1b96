'use client';

import { useEffect, useRef } from 'react';
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useWsClient } from './graphql-provider';

const texts = new WeakMap<object, string>();
/** A document as the text graphql-ws sends, printed once. */
export function documentText(document: TypedDocumentNode<unknown, never>): string {
  let text = texts.get(document);
  if (text === undefined) texts.set(document, (text = print(document)));
  return text;
}

/**
 * Calls `onEvent` for every value of a subscription whose values are events (each one an action
 * to take: reload a list, replay page changes), on the page's WebSocket, which reconnects and
 * subscribes again by itself. urql's `useSubscription` suits a value to show; its results merge
 * each value into the last (data and errors carry over), which loses events. Not subscribed
 * while `variables` is null; subscribes again only when their values change. `onError` gets the
 * server's message, or undefined when the socket gave up without one.
 */
export function useStreamEvents<Data, Variables extends Record<string, unknown>>(
  document: TypedDocumentNode<Data, Variables>,
  variables: Variables | null,
  onEvent: (data: Data) => void,
  onError: (message: string | undefined) => void,
) {
  const ws = useWsClient();
  const handlers = useRef({ onEvent, onError });
  handlers.current = { onEvent, onError };
  const key = variables && JSON.stringify(variables);

  useEffect(() => {
    if (key === null) return;
    return ws.subscribe<Data>(
      { query: documentText(document as TypedDocumentNode<unknown, never>), variables: JSON.parse(key) as Variables },
      {
        next(result) {
          if (result.errors?.length) return handlers.current.onError(result.errors[0]!.message);
          if (result.data) handlers.current.onEvent(result.data);
        },
        error(error) {
          const first = Array.isArray(error) ? (error[0] as { message?: string } | undefined) : undefined;
          handlers.current.onError(first?.message);
        },
        complete() {},
      },
    );
  }, [ws, document, key]);
}
