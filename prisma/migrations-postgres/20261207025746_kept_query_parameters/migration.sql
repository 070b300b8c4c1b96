-- AlterTable
ALTER TABLE "SiteSettings" ADD COLUMN     "keptQueryParameters" TEXT NOT NULL DEFAULT '[]';
