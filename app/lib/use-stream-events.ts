'use client';

import { useEffect, useRef } from 'react';
import { useClient, type AnyVariables, type CombinedError, type TypedDocumentNode } from 'urql';

/**
 * Calls `onEvent` for every value of a subscription, through the page's urql client (and so its
 * WebSocket, which reconnects and re-subscribes by itself). urql's `useSubscription` keeps only
 * a reduced state, folded inside a state update; streams whose every value is an action to take
 * (reload a list, replay events) use this instead. Not subscribed while `variables` is null.
 */
export function useStreamEvents<Data, Variables extends AnyVariables>(
  document: TypedDocumentNode<Data, Variables>,
  variables: Variables | null,
  onEvent: (data: Data) => void,
  onError: (error: CombinedError) => void,
) {
  const client = useClient();
  const handlers = useRef({ onEvent, onError });
  handlers.current = { onEvent, onError };
  // Subscribes again only when the variables' values change, not their object.
  const key = variables && JSON.stringify(variables);

  useEffect(() => {
    if (key === null) return;
    const { unsubscribe } = client.subscription(document, JSON.parse(key) as Variables).subscribe((result) => {
      if (result.error) handlers.current.onError(result.error);
      else if (result.data) handlers.current.onEvent(result.data);
    });
    return unsubscribe;
  }, [client, document, key]);
}
