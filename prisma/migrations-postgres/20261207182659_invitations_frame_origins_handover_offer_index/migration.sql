-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "invitedAgentId" TEXT;

-- AlterTable
ALTER TABLE "SiteSettings" ADD COLUMN     "frameOrigins" TEXT NOT NULL DEFAULT '[]',
ADD COLUMN     "invitationsEnabled" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "Invitation" (
    "id" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "customerEmail" TEXT,
    "customerAccountId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "answeredAt" TIMESTAMP(3),
    "sessionId" TEXT,

    CONSTRAINT "Invitation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Invitation_agentId_createdAt_idx" ON "Invitation"("agentId", "createdAt");

-- CreateIndex
CREATE INDEX "Invitation_customerEmail_status_idx" ON "Invitation"("customerEmail", "status");

-- CreateIndex
CREATE INDEX "Invitation_customerAccountId_status_idx" ON "Invitation"("customerAccountId", "status");

-- CreateIndex
CREATE INDEX "Session_handoverOfferId_idx" ON "Session"("handoverOfferId");
