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

-- CreateTable
CREATE TABLE "IdentitySecret" (
    "id" TEXT NOT NULL PRIMARY KEY DEFAULT 'site',
    "secret" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "code" TEXT NOT NULL,
    "customerTokenHash" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'WAITING',
    "mode" TEXT NOT NULL DEFAULT 'POINTER',
    "origin" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "viewportWidth" INTEGER,
    "viewportHeight" INTEGER,
    "agentId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "joinedAt" DATETIME,
    "endedAt" DATETIME,
    "endedBy" TEXT,
    "endReason" TEXT,
    "writeRequestId" TEXT,
    "writeRequestExpiresAt" DATETIME,
    "metadata" TEXT,
    "customerEmail" TEXT,
    "customerAccountId" TEXT,
    "customerVerified" BOOLEAN NOT NULL DEFAULT false,
    "customerGoneAt" DATETIME,
    "chatId" TEXT,
    "auditHeadHash" TEXT,
    "auditCount" INTEGER NOT NULL DEFAULT 0,
    "auditHeadSeal" TEXT,
    "recordedBytes" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "Session_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Session_chatId_fkey" FOREIGN KEY ("chatId") REFERENCES "Chat" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Session" ("agentId", "auditCount", "auditHeadHash", "chatId", "code", "createdAt", "customerAccountId", "customerEmail", "customerGoneAt", "customerTokenHash", "endReason", "endedAt", "endedBy", "id", "joinedAt", "metadata", "mode", "origin", "recordedBytes", "status", "url", "viewportHeight", "viewportWidth", "writeRequestExpiresAt", "writeRequestId") SELECT "agentId", "auditCount", "auditHeadHash", "chatId", "code", "createdAt", "customerAccountId", "customerEmail", "customerGoneAt", "customerTokenHash", "endReason", "endedAt", "endedBy", "id", "joinedAt", "metadata", "mode", "origin", "recordedBytes", "status", "url", "viewportHeight", "viewportWidth", "writeRequestExpiresAt", "writeRequestId" FROM "Session";
DROP TABLE "Session";
ALTER TABLE "new_Session" RENAME TO "Session";
CREATE UNIQUE INDEX "Session_code_key" ON "Session"("code");
CREATE UNIQUE INDEX "Session_customerTokenHash_key" ON "Session"("customerTokenHash");
CREATE INDEX "Session_status_idx" ON "Session"("status");
CREATE INDEX "Session_agentId_idx" ON "Session"("agentId");
CREATE INDEX "Session_customerEmail_idx" ON "Session"("customerEmail");
CREATE INDEX "Session_customerAccountId_idx" ON "Session"("customerAccountId");
CREATE TABLE "new_SiteSettings" (
    "id" TEXT NOT NULL PRIMARY KEY DEFAULT 'site',
    "writeModeEnabled" BOOLEAN NOT NULL DEFAULT true,
    "disabledSelectors" TEXT NOT NULL DEFAULT '[]',
    "maskedFieldSelectors" TEXT NOT NULL DEFAULT '[]',
    "maskedElementSelectors" TEXT NOT NULL DEFAULT '[]',
    "maskedImageSelectors" TEXT NOT NULL DEFAULT '[]',
    "maskedCanvasSelectors" TEXT NOT NULL DEFAULT '[]',
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
CREATE TABLE "new_ApiKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME,
    "scopes" TEXT NOT NULL DEFAULT 'SESSIONS_READ,AUDIT_READ,CHATS_READ',
    "expiresAt" DATETIME,
    "requestsPerMinute" INTEGER
);
INSERT INTO "new_ApiKey" ("createdAt", "createdById", "id", "keyHash", "lastUsedAt", "name", "prefix", "revokedAt") SELECT "createdAt", "createdById", "id", "keyHash", "lastUsedAt", "name", "prefix", "revokedAt" FROM "ApiKey";
DROP TABLE "ApiKey";
ALTER TABLE "new_ApiKey" RENAME TO "ApiKey";
CREATE UNIQUE INDEX "ApiKey_keyHash_key" ON "ApiKey"("keyHash");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "SiteAsset_hash_idx" ON "SiteAsset"("hash");

-- CreateIndex
CREATE INDEX "SiteAsset_usedAt_idx" ON "SiteAsset"("usedAt");
