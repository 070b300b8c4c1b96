-- AlterTable
ALTER TABLE "Session" ADD COLUMN "auditHeadSeal" TEXT;

-- CreateIndex
CREATE INDEX "Session_writeRequestExpiresAt_idx" ON "Session"("writeRequestExpiresAt");
