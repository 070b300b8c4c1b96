-- CreateEnum
CREATE TYPE "ChatStatus" AS ENUM ('QUEUED', 'ACTIVE', 'ENDED');

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "isDemo" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "auditCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "auditHeadHash" TEXT,
ADD COLUMN     "chatId" TEXT,
ADD COLUMN     "customerAccountId" TEXT,
ADD COLUMN     "customerEmail" TEXT,
ADD COLUMN     "customerGoneAt" TIMESTAMP(3),
ADD COLUMN     "metadata" TEXT,
ADD COLUMN     "recordedBytes" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "Chat" (
    "id" TEXT NOT NULL,
    "customerTokenHash" TEXT NOT NULL,
    "status" "ChatStatus" NOT NULL DEFAULT 'QUEUED',
    "origin" TEXT NOT NULL,
    "agentId" TEXT,
    "metadata" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acceptedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "endedBy" "ActorKind",

    CONSTRAINT "Chat_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChatMessage" (
    "id" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sender" "ActorKind" NOT NULL,
    "senderId" TEXT,
    "text" TEXT NOT NULL,

    CONSTRAINT "ChatMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Chat_customerTokenHash_key" ON "Chat"("customerTokenHash");

-- CreateIndex
CREATE INDEX "Chat_status_idx" ON "Chat"("status");

-- CreateIndex
CREATE INDEX "Chat_agentId_idx" ON "Chat"("agentId");

-- CreateIndex
CREATE UNIQUE INDEX "ChatMessage_chatId_sequence_key" ON "ChatMessage"("chatId", "sequence");

-- CreateIndex
CREATE INDEX "Session_customerEmail_idx" ON "Session"("customerEmail");

-- CreateIndex
CREATE INDEX "Session_customerAccountId_idx" ON "Session"("customerAccountId");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_chatId_fkey" FOREIGN KEY ("chatId") REFERENCES "Chat"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Chat" ADD CONSTRAINT "Chat_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChatMessage" ADD CONSTRAINT "ChatMessage_chatId_fkey" FOREIGN KEY ("chatId") REFERENCES "Chat"("id") ON DELETE CASCADE ON UPDATE CASCADE;
