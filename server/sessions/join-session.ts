import { SESSION_CODE_PATTERN } from '../../protocol/index.ts';
import { AppError, ErrorCode, badInput, notFound } from '../../graphql/errors.ts';
import { appendAuditEvent } from '../audit/append-audit-event.ts';
import type { UserRow } from '../db/index.ts';
import type { SessionDeps } from './deps.ts';
import { publishSessionEvent, type SessionWithAgent } from './session-state.ts';

const sessionTaken = () => new AppError(ErrorCode.SESSION_TAKEN, 'Another agent is already in this session.');
const agentBusy = () => new AppError(ErrorCode.AGENT_BUSY, 'You already have a co-browse session open. Exit it before joining another.');

/**
 * An agent joins a waiting session by its code (R3). One session per agent (R5) and one agent
 * per session (R7) are enforced by conditional updates, so concurrent joins cannot both win.
 * Joining again a session the agent already holds (a double click, a reload) returns it.
 */
export async function joinSession(deps: SessionDeps, agent: UserRow, rawCode: string): Promise<SessionWithAgent> {
  const code = rawCode.replace(/[\s-]/g, '');
  if (!SESSION_CODE_PATTERN.test(code)) throw badInput('A session ID is 9 digits, like 123 123 123.');
  const session = await deps.db.session.findUnique({ where: { code }, include: { agent: true } });
  if (!session) throw notFound(`There is no session ${code}. Check the digits with the customer.`);
  if (session.status === 'ENDED')
    throw new AppError(ErrorCode.SESSION_ENDED, `Session ${code} has ended. Ask the customer to start a new one.`);
  if (session.agentId === agent.id) return session;
  if (session.agentId !== null) throw sessionTaken();

  const joined = await deps.db.$transaction(async (tx) => {
    const claimed = await tx.session.updateMany({
      where: { id: session.id, agentId: null, status: 'WAITING' },
      data: { agentId: agent.id, status: 'ACTIVE', joinedAt: new Date() },
    });
    if (claimed.count === 0) throw sessionTaken();
    const reserved = await tx.user.updateMany({ where: { id: agent.id, activeSessionId: null }, data: { activeSessionId: session.id } });
    if (reserved.count === 0) throw agentBusy();
    await appendAuditEvent(
      tx,
      session.id,
      { kind: 'AGENT', id: agent.id },
      { type: 'AGENT_JOINED', data: { agentId: agent.id, agentName: agent.name } },
    );
    return tx.session.findUniqueOrThrow({ where: { id: session.id }, include: { agent: true } });
  });
  await publishSessionEvent(deps, 'agent-joined', joined);
  return joined;
}
