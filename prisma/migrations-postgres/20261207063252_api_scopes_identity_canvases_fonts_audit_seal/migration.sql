-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "auditHeadSeal" TEXT,
ADD COLUMN     "customerVerified" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "SiteSettings" ADD COLUMN     "captureAssets" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "maskedCanvasSelectors" TEXT NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "expiresAt" TIMESTAMP(3),
ADD COLUMN     "requestsPerMinute" INTEGER,
ADD COLUMN     "scopes" TEXT NOT NULL DEFAULT 'SESSIONS_READ,AUDIT_READ,CHATS_READ';

-- CreateTable
CREATE TABLE "SiteAsset" (
    "siteOrigin" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "size" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "usedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SiteAsset_pkey" PRIMARY KEY ("siteOrigin","hash")
);

-- CreateTable
CREATE TABLE "IdentitySecret" (
    "id" TEXT NOT NULL DEFAULT 'site',
    "secret" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdentitySecret_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SiteAsset_hash_idx" ON "SiteAsset"("hash");

-- CreateIndex
CREATE INDEX "SiteAsset_usedAt_idx" ON "SiteAsset"("usedAt");
