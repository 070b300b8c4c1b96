import type { Config } from '../core/config.ts';
import type { PrismaClient } from '../core/db/index.ts';
import { AppError, ErrorCode } from '../core/errors.ts';
import type { RateLimits } from './rate-limiter.ts';

const HOUR_SECONDS = 3600;

/**
 * How long an instance trusts its reading of the site's total recorded bytes (adding what it
 * stored since): summing every session is a scan, so not once per chunk. Instances together may
 * pass the total by what they store in this time.
 */
const SITE_TOTAL_TTL_MS = 5000;

type QuotaConfig = Pick<
  Config,
  | 'sessionStartsPerAddressPerHour'
  | 'sessionStartsPerOriginPerHour'
  | 'recordingBytesPerAddressPerHour'
  | 'recordingBytesPerOriginPerHour'
  | 'recordingMaxBytesPerSite'
>;

export interface QuotaDeps {
  limits: RateLimits;
  config: QuotaConfig;
}

/**
 * Counts a session start against the hourly quotas of the caller's address and of the page's
 * origin; throws RATE_LIMITED (with when to try again) when either is used up, so anonymous
 * callers cannot fill the database with sessions at the per-minute limit all day.
 */
export async function chargeSessionStart(deps: QuotaDeps, origin: string, address: string): Promise<void> {
  const hourly = { durationSeconds: HOUR_SECONDS };
  const perAddress = deps.limits.limiter('session-starts-address-hour', {
    ...hourly,
    points: deps.config.sessionStartsPerAddressPerHour,
    message: 'Too many co-browse sessions were started from this address this hour. Try again later.',
  });
  const perOrigin = deps.limits.limiter('session-starts-origin-hour', {
    ...hourly,
    points: deps.config.sessionStartsPerOriginPerHour,
    message: 'This site started too many co-browse sessions this hour. Try again later.',
  });
  await perAddress.consume(address);
  try {
    await perOrigin.consume(origin);
  } catch (error) {
    await perAddress.refund(address); // no session was started
    throw error;
  }
}

/** Which limit stopped a session's recording. */
export type RecordingLimit = 'session' | 'address-hourly' | 'origin-hourly' | 'site-total';

/** Where a chunk of recording comes from: the session's page origin and the uploading client's address. */
export interface RecordingSource {
  origin: string;
  address: string;
}

export interface RecordingQuotas {
  /** Counts a chunk's uncompressed bytes; returns the limit it would pass (nothing counted then), or null. */
  charge(source: RecordingSource, bytes: number): Promise<RecordingLimit | null>;
  /** Gives back a charge whose chunk was not stored after all (its session reached its own cap). */
  refund(source: RecordingSource, bytes: number): Promise<void>;
  /** The number of bytes a limit allows, for the audit row that says it was reached. */
  maxBytesOf(limit: Exclude<RecordingLimit, 'session'>): number;
}

const isRateLimited = (error: unknown) => error instanceof AppError && error.code === ErrorCode.RATE_LIMITED;

/**
 * The recording store's quotas beyond one session's cap: bytes per client address and per origin
 * per hour (shared by all instances through the rate-limit counters), and the total the site keeps.
 */
export function createRecordingQuotas(db: PrismaClient, deps: QuotaDeps): RecordingQuotas {
  const hourly = (name: string, points: number) => deps.limits.limiter(name, { points, durationSeconds: HOUR_SECONDS });
  const perAddress = hourly('recording-bytes-address-hour', deps.config.recordingBytesPerAddressPerHour);
  const perOrigin = hourly('recording-bytes-origin-hour', deps.config.recordingBytesPerOriginPerHour);
  let siteTotal = { bytes: 0, readAt: -Infinity };

  async function storedOnSite(): Promise<number> {
    if (Date.now() - siteTotal.readAt > SITE_TOTAL_TTL_MS) {
      const sum = await db.session.aggregate({ _sum: { recordedBytes: true } });
      siteTotal = { bytes: Number(sum._sum.recordedBytes ?? 0), readAt: Date.now() };
    }
    return siteTotal.bytes;
  }

  /** Spends `bytes` of a quota, or says it is used up. */
  async function spend(limiter: ReturnType<typeof hourly>, key: string, bytes: number): Promise<boolean> {
    try {
      await limiter.consume(key, bytes);
      return true;
    } catch (error) {
      if (isRateLimited(error)) return false;
      throw error;
    }
  }

  return {
    async charge(source, bytes) {
      if ((await storedOnSite()) + bytes > deps.config.recordingMaxBytesPerSite) return 'site-total';
      if (!(await spend(perAddress, source.address, bytes))) return 'address-hourly';
      if (!(await spend(perOrigin, source.origin, bytes))) {
        await perAddress.refund(source.address, bytes);
        return 'origin-hourly';
      }
      siteTotal.bytes += bytes;
      return null;
    },
    async refund(source, bytes) {
      siteTotal.bytes -= bytes;
      await Promise.all([perAddress.refund(source.address, bytes), perOrigin.refund(source.origin, bytes)]);
    },
    maxBytesOf(limit) {
      if (limit === 'address-hourly') return deps.config.recordingBytesPerAddressPerHour;
      if (limit === 'origin-hourly') return deps.config.recordingBytesPerOriginPerHour;
      return deps.config.recordingMaxBytesPerSite;
    },
  };
}
