-- CreateTable
CREATE TABLE "Chat" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "customerTokenHash" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'QUEUED',
    "origin" TEXT NOT NULL,
    "agentId" TEXT,
    "metadata" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acceptedAt" DATETIME,
    "endedAt" DATETIME,
    "endedBy" TEXT,
    CONSTRAINT "Chat_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ChatMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "chatId" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sender" TEXT NOT NULL,
    "senderId" TEXT,
    "text" TEXT NOT NULL,
    CONSTRAINT "ChatMessage_chatId_fkey" FOREIGN KEY ("chatId") REFERENCES "Chat" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activeSessionId" TEXT,
    "isDemo" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "User_activeSessionId_fkey" FOREIGN KEY ("activeSessionId") REFERENCES "Session" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_User" ("activeSessionId", "createdAt", "email", "id", "name", "passwordHash", "role") SELECT "activeSessionId", "createdAt", "email", "id", "name", "passwordHash", "role" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE UNIQUE INDEX "User_activeSessionId_key" ON "User"("activeSessionId");
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
    "customerGoneAt" DATETIME,
    "chatId" TEXT,
    "auditHeadHash" TEXT,
    "auditCount" INTEGER NOT NULL DEFAULT 0,
    "recordedBytes" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "Session_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Session_chatId_fkey" FOREIGN KEY ("chatId") REFERENCES "Chat" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Session" ("agentId", "code", "createdAt", "customerTokenHash", "endReason", "endedAt", "endedBy", "id", "joinedAt", "mode", "origin", "status", "url", "viewportHeight", "viewportWidth", "writeRequestExpiresAt", "writeRequestId") SELECT "agentId", "code", "createdAt", "customerTokenHash", "endReason", "endedAt", "endedBy", "id", "joinedAt", "mode", "origin", "status", "url", "viewportHeight", "viewportWidth", "writeRequestExpiresAt", "writeRequestId" FROM "Session";
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

-- CreateIndex
CREATE UNIQUE INDEX "Chat_customerTokenHash_key" ON "Chat"("customerTokenHash");

-- CreateIndex
CREATE INDEX "Chat_status_idx" ON "Chat"("status");

-- CreateIndex
CREATE INDEX "Chat_agentId_idx" ON "Chat"("agentId");

-- CreateIndex
CREATE UNIQUE INDEX "ChatMessage_chatId_sequence_key" ON "ChatMessage"("chatId", "sequence");
