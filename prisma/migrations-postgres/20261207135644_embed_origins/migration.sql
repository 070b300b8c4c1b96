-- AlterTable
ALTER TABLE "SiteSettings" ADD COLUMN     "embedOrigins" TEXT NOT NULL DEFAULT '[]';
