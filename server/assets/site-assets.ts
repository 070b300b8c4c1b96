import { createHash } from 'node:crypto';
import { AppError, ErrorCode, badInput, forbidden, unauthenticated } from '../core/errors.ts';
import type { PrismaClient } from '../core/db/index.ts';
import { hashToken } from '../auth/tokens.ts';
import { loadSiteSettings } from '../settings/site-settings.ts';

// Font and image files of a customer's page, sent from the customer's browser (which has them)
// for agents whose browsers cannot fetch them: fonts need CORS, and most sites serve them without
// it; images and fonts may sit behind a login or an intranet. Kept once per site by their
// SHA-256; served only to staff.

/** The font and image formats a page may use, and the type each is served with. */
export const ASSET_TYPES: Record<string, string> = {
  'font/woff2': 'font/woff2',
  'font/woff': 'font/woff',
  'font/ttf': 'font/ttf',
  'font/otf': 'font/otf',
  'application/font-woff': 'font/woff',
  'application/font-woff2': 'font/woff2',
  'application/x-font-ttf': 'font/ttf',
  'application/x-font-opentype': 'font/otf',
  'application/vnd.ms-fontobject': 'application/vnd.ms-fontobject',
  'application/octet-stream': 'application/octet-stream',
  'image/png': 'image/png',
  'image/jpeg': 'image/jpeg',
  'image/gif': 'image/gif',
  'image/webp': 'image/webp',
  'image/avif': 'image/avif',
  'image/x-icon': 'image/x-icon',
  'image/vnd.microsoft.icon': 'image/x-icon',
  'image/bmp': 'image/bmp',
  // Served with a policy that runs nothing, should anyone open one as a page.
  'image/svg+xml': 'image/svg+xml',
};

export const HASH_PATTERN = /^[0-9a-f]{64}$/;

export interface AssetLimits {
  /** Largest single file. */
  assetMaxBytes: number;
  /** All files one site may have kept at once. */
  assetSiteQuotaBytes: number;
  /** Files no session used for this long are deleted. */
  assetExpiryDays: number;
}

const tooLarge = (message: string) => new AppError(ErrorCode.LIMIT_REACHED, message);

/**
 * The site a customer token may send files for: its session's, once an agent has joined
 * (nothing leaves a waiting customer's page) and while the session lives, if the admin has
 * not switched sending them off.
 */
export async function assetSiteOf(db: PrismaClient, customerToken: string | undefined): Promise<string> {
  const session = customerToken
    ? await db.session.findUnique({ where: { customerTokenHash: hashToken(customerToken) }, select: { origin: true, status: true } })
    : null;
  if (!session) throw unauthenticated('A customer token of a session is needed.');
  if (session.status === 'WAITING' || session.status === 'ENDED') throw forbidden('Files are taken only while an agent is in the session.');
  if (!(await loadSiteSettings(db)).captureAssets) throw forbidden('This site does not send files to agents.');
  return session.origin;
}

/** Of these hashes, those the site has not sent yet (and the ones it has, marked as used now). */
export async function missingAssets(db: PrismaClient, siteOrigin: string, hashes: string[]): Promise<string[]> {
  if (hashes.length > 50) throw badInput('At most 50 files at a time.');
  if (!hashes.every((hash) => HASH_PATTERN.test(hash))) throw badInput('Each file is named by its hex SHA-256.');
  const where = { siteOrigin, hash: { in: hashes } };
  const kept = await db.siteAsset.findMany({ where, select: { hash: true } });
  await db.siteAsset.updateMany({ where, data: { usedAt: new Date() } });
  const have = new Set(kept.map((asset) => asset.hash));
  return hashes.filter((hash) => !have.has(hash));
}

/** Keeps one file for a site, after checking that its bytes are what its name says. */
export async function storeAsset(
  db: PrismaClient,
  limits: AssetLimits,
  asset: { siteOrigin: string; hash: string; contentType: string; bytes: Buffer },
): Promise<void> {
  const contentType = ASSET_TYPES[asset.contentType.split(';')[0]!.trim().toLowerCase()];
  if (!contentType) throw badInput('Only font and image files are taken.');
  if (asset.bytes.length > limits.assetMaxBytes) throw tooLarge(`A file may have at most ${limits.assetMaxBytes} bytes.`);
  if (createHash('sha256').update(asset.bytes).digest('hex') !== asset.hash) throw badInput('The bytes do not match their SHA-256.');
  const { _sum } = await db.siteAsset.aggregate({ where: { siteOrigin: asset.siteOrigin }, _sum: { size: true } });
  if ((_sum.size ?? 0) + asset.bytes.length > limits.assetSiteQuotaBytes)
    throw tooLarge(`This site keeps at most ${limits.assetSiteQuotaBytes} bytes of files.`);
  const key = { siteOrigin_hash: { siteOrigin: asset.siteOrigin, hash: asset.hash } };
  const row = { contentType, bytes: new Uint8Array(asset.bytes), size: asset.bytes.length, usedAt: new Date() };
  await db.siteAsset.upsert({
    where: key,
    create: { siteOrigin: asset.siteOrigin, hash: asset.hash, ...row },
    update: { usedAt: row.usedAt },
  });
}

/** One kept file by its hash (the bytes are the same for every site that has it). */
export async function readAsset(db: PrismaClient, hash: string): Promise<{ contentType: string; bytes: Uint8Array } | null> {
  if (!HASH_PATTERN.test(hash)) return null;
  return db.siteAsset.findFirst({ where: { hash }, select: { contentType: true, bytes: true } });
}

/** Deletes files no session used within the expiry; how many. */
export async function expireAssets(db: PrismaClient, limits: Pick<AssetLimits, 'assetExpiryDays'>, now = Date.now()): Promise<number> {
  const before = new Date(now - limits.assetExpiryDays * 86_400_000);
  return (await db.siteAsset.deleteMany({ where: { usedAt: { lt: before } } })).count;
}

/** Deletes expired files now and then (every instance may; deleting is idempotent). */
export function startAssetExpiry(deps: { db: PrismaClient; config: AssetLimits; log: (line: string) => void }): () => void {
  const sweep = () =>
    expireAssets(deps.db, deps.config).catch((error: unknown) => deps.log(`Expiring kept files failed: ${String(error)}`));
  const timer = setInterval(sweep, 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
