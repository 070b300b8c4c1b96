import type { PubSub } from '../../graphql/pubsub/index.ts';
import type { PrismaClient } from '../db/index.ts';

/** What session operations need: storage and the pub/sub that tells the other side. */
export interface SessionDeps {
  db: PrismaClient;
  pubsub: PubSub;
}
