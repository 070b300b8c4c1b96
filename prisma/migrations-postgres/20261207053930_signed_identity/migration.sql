-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "customerVerified" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "IdentitySecret" (
    "id" TEXT NOT NULL DEFAULT 'site',
    "secret" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdentitySecret_pkey" PRIMARY KEY ("id")
);
