-- AlterEnum
ALTER TYPE "SessionMode" ADD VALUE 'GUIDED';

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "guidedRequestExpiresAt" TIMESTAMP(3),
ADD COLUMN     "guidedRequestId" TEXT;

-- AlterTable
ALTER TABLE "SiteSettings" ADD COLUMN     "capabilities" TEXT NOT NULL DEFAULT '{}';
