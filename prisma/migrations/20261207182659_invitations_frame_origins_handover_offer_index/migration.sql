-- AlterTable
ALTER TABLE "Session" ADD COLUMN "invitedAgentId" TEXT;

-- CreateTable
CREATE TABLE "Invitation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "agentId" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "customerEmail" TEXT,
    "customerAccountId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "answeredAt" DATETIME,
    "sessionId" TEXT
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
    "maskedCanvasSelectors" TEXT NOT NULL DEFAULT '[]',
    "maskedPagePatterns" TEXT NOT NULL DEFAULT '[]',
    "recordingEnabled" BOOLEAN NOT NULL DEFAULT false,
    "allowedOrigins" TEXT NOT NULL DEFAULT '[]',
    "keptQueryParameters" TEXT NOT NULL DEFAULT '[]',
    "embedOrigins" TEXT NOT NULL DEFAULT '[]',
    "frameOrigins" TEXT NOT NULL DEFAULT '[]',
    "captureAssets" BOOLEAN NOT NULL DEFAULT true,
    "capabilities" TEXT NOT NULL DEFAULT '{}',
    "updatedAt" DATETIME NOT NULL,
    "handoverEnabled" BOOLEAN NOT NULL DEFAULT false,
    "invitationsEnabled" BOOLEAN NOT NULL DEFAULT false
);
INSERT INTO "new_SiteSettings" ("allowedOrigins", "capabilities", "captureAssets", "disabledSelectors", "embedOrigins", "handoverEnabled", "id", "keptQueryParameters", "maskedCanvasSelectors", "maskedElementSelectors", "maskedFieldSelectors", "maskedImageSelectors", "maskedPagePatterns", "recordingEnabled", "updatedAt", "writeModeEnabled") SELECT "allowedOrigins", "capabilities", "captureAssets", "disabledSelectors", "embedOrigins", "handoverEnabled", "id", "keptQueryParameters", "maskedCanvasSelectors", "maskedElementSelectors", "maskedFieldSelectors", "maskedImageSelectors", "maskedPagePatterns", "recordingEnabled", "updatedAt", "writeModeEnabled" FROM "SiteSettings";
DROP TABLE "SiteSettings";
ALTER TABLE "new_SiteSettings" RENAME TO "SiteSettings";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Invitation_agentId_createdAt_idx" ON "Invitation"("agentId", "createdAt");

-- CreateIndex
CREATE INDEX "Invitation_customerEmail_status_idx" ON "Invitation"("customerEmail", "status");

-- CreateIndex
CREATE INDEX "Invitation_customerAccountId_status_idx" ON "Invitation"("customerAccountId", "status");

-- CreateIndex
CREATE INDEX "Session_handoverOfferId_idx" ON "Session"("handoverOfferId");
