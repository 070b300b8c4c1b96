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
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
