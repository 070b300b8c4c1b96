import type { PubSub } from '../core/pubsub/index.ts';
import type { PrismaClient } from '../core/db/index.ts';

/** What session operations need: storage and the pub/sub that tells the other side. */
export interface SessionDeps {
  db: PrismaClient;
  pubsub: PubSub;
}
