-- AlterTable
ALTER TABLE "SiteSettings" ADD COLUMN     "captureAssets" BOOLEAN NOT NULL DEFAULT true;

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

-- CreateIndex
CREATE INDEX "SiteAsset_hash_idx" ON "SiteAsset"("hash");

-- CreateIndex
CREATE INDEX "SiteAsset_usedAt_idx" ON "SiteAsset"("usedAt");
