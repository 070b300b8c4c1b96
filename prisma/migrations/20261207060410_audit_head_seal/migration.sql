-- AlterTable
ALTER TABLE "Session" ADD COLUMN "auditHeadSeal" TEXT;
