-- AlterTable
ALTER TABLE "Session" ADD COLUMN "writeRequestExpiresAt" DATETIME;
ALTER TABLE "Session" ADD COLUMN "writeRequestId" TEXT;

-- CreateTable
CREATE TABLE "SiteSettings" (
    "id" TEXT NOT NULL PRIMARY KEY DEFAULT 'site',
    "writeModeEnabled" BOOLEAN NOT NULL DEFAULT true,
    "disabledSelectors" TEXT NOT NULL DEFAULT '[]',
    "updatedAt" DATETIME NOT NULL
);
