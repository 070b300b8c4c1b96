import { defineConfig } from 'prisma/config';

// Used by the prisma CLI (generate). Migrations run through prisma/tools/ and on server start.
export default defineConfig({
  schema: 'prisma/schema.prisma',
});
