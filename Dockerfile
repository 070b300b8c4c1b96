# syntax=docker/dockerfile:1
# Multi-stage image: build with the toolchain, run as a non-root user with production packages only.
# Mirrored without Docker by test/ops-deploy.test.ts (these machines have no Docker engine).

FROM node:20.20-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1
# better-sqlite3 compiles from source on install.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# The install runs `npm run generate` (Prisma clients, GraphQL types), which reads the schemas.
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json ./
COPY graphql ./graphql
# rrweb is patched on install (patches/, applied by patch-package).
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20.20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOST=0.0.0.0 DATABASE_URL=file:/app/data/cobrowse.db
RUN groupadd --system --gid 10001 cobrowse \
 && useradd --system --uid 10001 --gid cobrowse --home-dir /app --no-create-home cobrowse \
 && mkdir -p /app/data && chown cobrowse:cobrowse /app/data
COPY --from=build --chown=root:root /app ./
# Next.js may cache rendered pages at run time; the rest of the app stays read-only for the user.
RUN mkdir -p /app/.next/cache && chown cobrowse:cobrowse /app/.next/cache
USER cobrowse
EXPOSE 3000
VOLUME ["/app/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--import", "tsx", "server/main.ts"]
