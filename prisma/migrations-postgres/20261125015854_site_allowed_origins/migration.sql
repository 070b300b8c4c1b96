-- AlterTable
ALTER TABLE "SiteSettings" ADD COLUMN     "allowedOrigins" TEXT NOT NULL DEFAULT '[]';
