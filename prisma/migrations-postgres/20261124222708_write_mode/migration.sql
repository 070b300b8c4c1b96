-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "writeRequestExpiresAt" TIMESTAMP(3),
ADD COLUMN     "writeRequestId" TEXT;

-- CreateTable
CREATE TABLE "SiteSettings" (
    "id" TEXT NOT NULL DEFAULT 'site',
    "writeModeEnabled" BOOLEAN NOT NULL DEFAULT true,
    "disabledSelectors" TEXT NOT NULL DEFAULT '[]',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SiteSettings_pkey" PRIMARY KEY ("id")
);
