-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME
);

-- CreateTable
CREATE TABLE "RecordingChunk" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "data" BLOB NOT NULL,
    CONSTRAINT "RecordingChunk_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session" ("id") ON DELETE CASCADE ON UPDATE CASCADE
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
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_SiteSettings" ("disabledSelectors", "id", "updatedAt", "writeModeEnabled") SELECT "disabledSelectors", "id", "updatedAt", "writeModeEnabled" FROM "SiteSettings";
DROP TABLE "SiteSettings";
ALTER TABLE "new_SiteSettings" RENAME TO "SiteSettings";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_keyHash_key" ON "ApiKey"("keyHash");

-- CreateIndex
CREATE UNIQUE INDEX "RecordingChunk_sessionId_sequence_key" ON "RecordingChunk"("sessionId", "sequence");
