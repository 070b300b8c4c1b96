-- CreateTable
CREATE TABLE "SiteAsset" (
    "siteOrigin" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "bytes" BLOB NOT NULL,
    "size" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "usedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("siteOrigin", "hash")
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_SiteSettings" (
    "id" TEXT NOT NULL PRIMARY KEY DEFAULT 'site',
    "writeModeEnabled" BOOLEAN NOT NULL DEFAULT true,
    "disabledSelectors" TEXT NOT NULL DEFAULT '[]',
    "maskedFieldSelectors" TEXT NOT NULL DEFAULT '[]',
    "maskedElementSelectors" TEXT NOT NULL DEFAULT '[]',
    "maskedImageSelectors" TEXT NOT NULL DEFAULT '[]',
    "maskedPagePatterns" TEXT NOT NULL DEFAULT '[]',
    "recordingEnabled" BOOLEAN NOT NULL DEFAULT false,
    "allowedOrigins" TEXT NOT NULL DEFAULT '[]',
    "keptQueryParameters" TEXT NOT NULL DEFAULT '[]',
    "captureAssets" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_SiteSettings" ("allowedOrigins", "disabledSelectors", "id", "keptQueryParameters", "maskedElementSelectors", "maskedFieldSelectors", "maskedImageSelectors", "maskedPagePatterns", "recordingEnabled", "updatedAt", "writeModeEnabled") SELECT "allowedOrigins", "disabledSelectors", "id", "keptQueryParameters", "maskedElementSelectors", "maskedFieldSelectors", "maskedImageSelectors", "maskedPagePatterns", "recordingEnabled", "updatedAt", "writeModeEnabled" FROM "SiteSettings";
DROP TABLE "SiteSettings";
ALTER TABLE "new_SiteSettings" RENAME TO "SiteSettings";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "SiteAsset_hash_idx" ON "SiteAsset"("hash");

-- CreateIndex
CREATE INDEX "SiteAsset_usedAt_idx" ON "SiteAsset"("usedAt");
