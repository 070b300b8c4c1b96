import { hashPassword } from '../server/auth/passwords.ts';
import type { RunningServer } from '../server/start-server.ts';

/**
 * Every simulated customer and agent comes from 127.0.0.1: the bench servers lift the
 * per-address limits meant for the internet.
 */
export const LIFTED_LIMITS = {
  startSessionsPerAddressPerMinute: 1_000_000,
  sendEventsPerAddressPerMinute: 100_000_000,
  maxSocketsPerAddress: 1_000_000, // two sockets per session, all from one address
  sessionStartsPerAddressPerHour: 1_000_000,
  recordingBytesPerAddressPerHour: Number.MAX_SAFE_INTEGER,
};

/** Busy sessions the browser latency step runs on the pages server beside the one it times (BENCH_BUSY_SESSIONS). */
export const BUSY_SESSIONS = Number(process.env.BENCH_BUSY_SESSIONS ?? 200);

/** The bench's agents, `bench-agent-<i>@example.com` with password `bench` (an agent holds one session at a time). */
export async function seedBenchAgents(server: RunningServer, count: number): Promise<void> {
  const passwordHash = await hashPassword('bench');
  await server.deps.db.user.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      email: `bench-agent-${i}@example.com`,
      name: `Bench Agent ${i}`,
      role: 'AGENT' as const,
      passwordHash,
    })),
  });
}
