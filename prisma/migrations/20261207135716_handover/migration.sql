-- AlterTable
ALTER TABLE "Session" ADD COLUMN "handoverExpiresAt" DATETIME;
ALTER TABLE "Session" ADD COLUMN "handoverOfferId" TEXT;
ALTER TABLE "Session" ADD COLUMN "handoverToId" TEXT;

-- CreateTable
CREATE TABLE "AgentPresence" (
    "userId" TEXT NOT NULL PRIMARY KEY,
    "instanceId" TEXT NOT NULL,
    "seenAt" DATETIME NOT NULL
);

-- AlterTable
-- Added in place rather than by rebuilding the table, so a migration that rebuilds it elsewhere cannot drop another one's column.
ALTER TABLE "SiteSettings" ADD COLUMN "handoverEnabled" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "Session_handoverToId_idx" ON "Session"("handoverToId");
