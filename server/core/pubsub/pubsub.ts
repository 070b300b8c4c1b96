/** Topic-based publish/subscribe shared by every server instance behind one deployment. */
export interface PubSub {
  publish(topic: string, message: unknown): Promise<void>;
  /** Resolves once the subscription is live, so nothing published afterwards is missed. */
  subscribe(topic: string, onMessage: (message: unknown) => void): Promise<Unsubscribe>;
  close(): Promise<void>;
}

export type Unsubscribe = () => Promise<void>;

/** Topic names in one place, so publishers and subscribers cannot drift apart. */
export const topics = {
  /** Messages for a session's agent (recorded events, lifecycle). */
  toAgent: (sessionId: string) => `session:${sessionId}:agent`,
  /** Messages for a session's customer (pointer, clicks, lifecycle). */
  toCustomer: (sessionId: string) => `session:${sessionId}:customer`,
  /** Hand-over offers to one agent, and their withdrawal, wherever the agent's desktop is connected. */
  toStaff: (userId: string) => `user:${userId}:handover`,
  /** Requests to co-browse for one verified customer on one site (`key` from server/invitations), to each of their tabs. */
  toReachable: (key: string) => `reachable:${key}`,
  /** What became of one request to co-browse, for the agent who sent it. */
  invitation: (invitationId: string) => `invitation:${invitationId}`,
  /** Lifecycle of every session, for supervisors and the API. */
  lifecycle: 'sessions:lifecycle',
  /** Sign-outs, password resets, role changes and revoked API keys, for every instance's open sockets. */
  authRevocations: 'auth:revocations',
} as const;
