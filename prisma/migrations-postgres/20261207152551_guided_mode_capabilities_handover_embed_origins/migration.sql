-- AlterEnum
ALTER TYPE "SessionMode" ADD VALUE 'GUIDED';

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "guidedRequestExpiresAt" TIMESTAMP(3),
ADD COLUMN     "guidedRequestId" TEXT,
ADD COLUMN     "handoverExpiresAt" TIMESTAMP(3),
ADD COLUMN     "handoverOfferId" TEXT,
ADD COLUMN     "handoverToId" TEXT;

-- AlterTable
ALTER TABLE "SiteSettings" ADD COLUMN     "capabilities" TEXT NOT NULL DEFAULT '{}',
ADD COLUMN     "embedOrigins" TEXT NOT NULL DEFAULT '[]',
ADD COLUMN     "handoverEnabled" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "AgentPresence" (
    "userId" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "seenAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AgentPresence_pkey" PRIMARY KEY ("userId")
);

-- CreateIndex
CREATE INDEX "Session_handoverToId_idx" ON "Session"("handoverToId");
