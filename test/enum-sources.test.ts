import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { buildSchema, GraphQLEnumType } from 'graphql';
import * as PrismaEnums from '../generated/prisma/sqlite/enums.ts';
import * as PostgresEnums from '../generated/prisma/postgres/enums.ts';
import type * as Client from '../graphql/generated/client/graphql.ts';
import type * as Resolvers from '../graphql/generated/resolvers-types.ts';
import type { ChatStatus } from '../protocol/chat.ts';
import { SESSION_STATUSES, type ActorKind, type SessionMode, type SessionStatus } from '../protocol/messages.ts';
import {
  apiEventName,
  SESSION_EVENTS,
  streamEventName,
  WEBHOOK_EVENT_NAMES,
  webhookEventName,
  webhookTypeOfApiName,
} from '../protocol/session-events.ts';
import type { AuditEventType } from '../server/audit/audit-event-types.ts';
import { WEBHOOK_EVENTS, webhookEventOfAudit } from '../server/webhooks/webhook-events.ts';

/**
 * One source for the enums: the GraphQL schema. The pages and tests use the types generated from
 * it (graphql/generated/client); the wire protocol (read by the widget, which has no GraphQL
 * types) and the Prisma schema spell them out, and are held to the schema here — by the type
 * checker (`npm run check`) and by the values below.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const sessionStatusIsTheSchemas: Same<SessionStatus, Client.SessionStatus> & Same<SessionStatus, Resolvers.SessionStatus> = true;
const sessionModeIsTheSchemas: Same<SessionMode, Client.SessionMode> & Same<SessionMode, Resolvers.SessionMode> = true;
const actorKindIsTheSchemas: Same<ActorKind, Client.ActorKind> & Same<ActorKind, Resolvers.ActorKind> = true;
const chatStatusIsTheSchemas: Same<ChatStatus, Client.ChatStatus> & Same<ChatStatus, Resolvers.ChatStatus> = true;
const roleIsTheSchemas: Same<PrismaEnums.Role, Client.Role> & Same<PrismaEnums.Role, Resolvers.Role> = true;

// Every value of each protocol type, exactly once (the type checker refuses a missing or extra key).
const protocolValues = {
  SessionStatus: Object.fromEntries(SESSION_STATUSES.map((status) => [status, 1])) as Record<SessionStatus, 1>,
  SessionMode: { POINTER: 1, GUIDED: 1, WRITE: 1 } satisfies Record<SessionMode, 1>,
  ActorKind: { CUSTOMER: 1, AGENT: 1, SUPERVISOR: 1, ADMIN: 1, SYSTEM: 1 } satisfies Record<ActorKind, 1>,
  ChatStatus: { QUEUED: 1, ACTIVE: 1, ENDED: 1 } satisfies Record<ChatStatus, 1>,
};

const schema = buildSchema(readFileSync(new URL('../graphql/schema.graphql', import.meta.url), 'utf8'));
const schemaValues = (name: string) => {
  const type = schema.getType(name);
  assert.ok(type instanceof GraphQLEnumType, `${name} is an enum of the schema`);
  return type
    .getValues()
    .map((value) => value.name)
    .sort();
};

describe('enums have one source, the GraphQL schema', () => {
  it('the type checker holds the protocol and Prisma types to the generated ones', () => {
    assert.deepEqual(
      [sessionStatusIsTheSchemas, sessionModeIsTheSchemas, actorKindIsTheSchemas, chatStatusIsTheSchemas, roleIsTheSchemas],
      [true, true, true, true, true],
    );
  });

  for (const [name, values] of Object.entries(protocolValues)) {
    it(`protocol ${name} has the schema's values`, () => {
      assert.deepEqual(Object.keys(values).sort(), schemaValues(name));
    });
  }

  for (const name of ['Role', 'SessionStatus', 'SessionMode', 'ActorKind', 'ChatStatus'] as const) {
    it(`the Prisma enum ${name} (SQLite and PostgreSQL) has the schema's values`, () => {
      assert.deepEqual(Object.values(PrismaEnums[name]).sort(), schemaValues(name));
      assert.deepEqual(Object.values(PostgresEnums[name]).sort(), schemaValues(name));
    });
  }
});

describe('events have one vocabulary, protocol/session-events.ts', () => {
  it("the API's WebhookEvent enum is the vocabulary's webhook events, in its spelling", () => {
    assert.deepEqual(WEBHOOK_EVENT_NAMES.map((name) => apiEventName(webhookEventName(name))).sort(), schemaValues('WebhookEvent'));
  });

  it('derives each spelling from the one name', () => {
    assert.deepEqual(
      (['AGENT_JOINED', 'SESSION_ENDED', 'WRITE_REQUESTED'] as const).map((name) => [
        name,
        streamEventName(name),
        webhookEventName(name),
        apiEventName(webhookEventName(name)),
      ]),
      [
        ['AGENT_JOINED', 'agent-joined', 'session.agent_joined', 'SESSION_AGENT_JOINED'],
        ['SESSION_ENDED', 'ended', 'session.ended', 'SESSION_ENDED'],
        ['WRITE_REQUESTED', 'write-requested', 'session.write_requested', 'SESSION_WRITE_REQUESTED'],
      ],
    );
    assert.equal(webhookEventName('CHAT_STARTED'), 'chat.started');
    assert.equal(webhookTypeOfApiName('SESSION_WRITE_REQUESTED'), 'session.write_requested');
  });

  it('webhooks announce exactly the audited session events marked for them, and the chat events', () => {
    const announced = Object.keys(SESSION_EVENTS).filter((name) => webhookEventOfAudit(name as AuditEventType) !== undefined);
    assert.deepEqual(
      [...announced, 'CHAT_STARTED', 'CHAT_ENDED'],
      WEBHOOK_EVENT_NAMES.filter((name) => name in SESSION_EVENTS || name.startsWith('CHAT_')),
    );
    assert.deepEqual(WEBHOOK_EVENTS, WEBHOOK_EVENT_NAMES.map(webhookEventName));
  });
});
