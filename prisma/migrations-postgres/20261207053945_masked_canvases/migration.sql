-- AlterTable
ALTER TABLE "SiteSettings" ADD COLUMN     "maskedCanvasSelectors" TEXT NOT NULL DEFAULT '[]';
