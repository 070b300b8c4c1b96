'use client';

import { createContext, useContext, useState, useSyncExternalStore, type ReactNode } from 'react';
import { Provider } from 'urql';
import type { Client as WsClient } from 'graphql-ws';
import { createGraphQLClients, type GraphQLClients } from './graphql-client';

const ClientsContext = createContext<GraphQLClients | null>(null);

/**
 * Gives every page one urql client (for `useQuery`, `useMutation`, `useSubscription` from 'urql')
 * and the graphql-ws client under it, created once per tab and kept across client-side navigation.
 */
export function GraphQLProvider({ children }: { children: ReactNode }) {
  const [clients] = useState(createGraphQLClients);
  return (
    <ClientsContext value={clients}>
      <Provider value={clients.urql}>{children}</Provider>
    </ClientsContext>
  );
}

function useClients(): GraphQLClients {
  const clients = useContext(ClientsContext);
  if (!clients) throw new Error('GraphQLProvider is missing above this component.');
  return clients;
}

/** The graphql-ws client, for the few operations sent straight on the open socket (the agent's stream and signals). */
export const useWsClient = (): WsClient => useClients().ws;

/** Whether the WebSocket is up: `null` until it has connected or closed once. */
export function useConnected(): boolean | null {
  const { connection } = useClients();
  return useSyncExternalStore(connection.subscribe, connection.get, () => null);
}
