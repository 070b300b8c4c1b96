import type { Config } from '../core/config.ts';
import { sweepGoneCustomers } from './customer-timeout.ts';
import type { SessionDeps } from './deps.ts';
import { trackCustomerPresence, type CustomerPresence } from './presence.ts';

/** Customer presence plus the sweep that ends sessions of customers gone too long. */
export interface PresenceService extends Pick<CustomerPresence, 'connected' | 'disconnected'> {
  /** Stops sweeping, then marks this instance's customers gone (they reconnect elsewhere). */
  stop(): Promise<void>;
}

/** Starts presence tracking and the gone-customer sweep for one instance's WebSocket server. */
export function startCustomerPresence(deps: SessionDeps & { config: Config }): PresenceService {
  // Without Redis this process is the only instance: nobody is connected when it starts.
  const presence = trackCustomerPresence(deps, { soleInstance: !deps.config.redisUrl });
  const stopSweeping = sweepGoneCustomers(deps, presence, deps.config.customerGoneTimeoutSeconds);
  return {
    connected: presence.connected,
    disconnected: presence.disconnected,
    stop: async () => {
      await stopSweeping();
      await presence.stop();
    },
  };
}
