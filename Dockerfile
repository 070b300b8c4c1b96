# syntax=docker/dockerfile:1
# Multi-stage image: build with the toolchain, run as a non-root user with the compiled server,
# the built pages and production packages only.
# Mirrored without Docker by test/ops-deploy.test.ts (these machines have no Docker engine).

# Both stages on one Node release: better-sqlite3 is compiled in the first for the second's ABI.
FROM node:24-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1
# better-sqlite3 compiles from source on install when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# The install runs `npm run generate` (Prisma clients, GraphQL types and SDL module), which reads the schemas.
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json ./
COPY graphql ./graphql
# rrweb is patched on install (patches/, applied by patch-package).
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY . .
# `--omit=optional` as well: `@prisma/client` names the prisma CLI and TypeScript as optional
# peers, which keeps them past `--omit=dev` alone. The other optional packages are not used at run
# time either: Next's build compiler and image optimizer, pg's Cloudflare socket, graphql-armor's
# Envelop types. Next's build cache stays in this stage.
RUN npm run build \
 && npm prune --omit=dev --omit=optional --no-audit --no-fund \
 && rm -rf .next/cache

FROM node:24-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOST=0.0.0.0 DATABASE_URL=file:/app/data/cobrowse.db
RUN groupadd --system --gid 10001 cobrowse \
 && useradd --system --uid 10001 --gid cobrowse --home-dir /app --no-create-home cobrowse \
 && mkdir -p /app/data && chown cobrowse:cobrowse /app/data
# Only what the server reads at run time, owned by root (read-only for the user): package.json
# (ES module type), the compiled server and widget (dist/), the built pages (.next, public,
# next.config.js), the Prisma schemas and migrations it applies on start, production packages.
COPY --from=build /app/package.json /app/next.config.js ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/.next ./.next
COPY --from=build /app/public ./public
COPY --from=build /app/prisma/schema.prisma /app/prisma/schema.postgres.prisma ./prisma/
COPY --from=build /app/prisma/migrations ./prisma/migrations
COPY --from=build /app/prisma/migrations-postgres ./prisma/migrations-postgres
# Next.js may cache rendered pages at run time; the rest of the app stays read-only for the user.
RUN mkdir -p /app/.next/cache && chown cobrowse:cobrowse /app/.next/cache
USER cobrowse
EXPOSE 3000
VOLUME ["/app/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/server/main.js"]
