-- AlterTable
ALTER TABLE "SiteSettings" ADD COLUMN     "frameOrigins" TEXT NOT NULL DEFAULT '[]';
