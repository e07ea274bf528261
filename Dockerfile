# syntax=docker/dockerfile:1

# --- build: compile native modules and TypeScript -----------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches; it needs a toolchain here only.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
  && npm prune --omit=dev
# The image ships with a FastAPI docs index (the bot answers from it at once instead of syncing first).
# `--build-arg SKIP_DOCS_SYNC=1` skips it (no network at build time); the bot then syncs in the background.
ARG SKIP_DOCS_SYNC=0
ARG FASTAPI_DOCS_VERSION=
RUN mkdir -p /app/docs-index \
  && if [ "$SKIP_DOCS_SYNC" != "1" ]; then \
       DOCS_INDEX_PATH=/app/docs-index/fastapi-docs.sqlite FASTAPI_DOCS_VERSION="$FASTAPI_DOCS_VERSION" \
         node dist/cli/docs.js sync; \
     fi

# --- runtime: same base image, so the compiled better-sqlite3 binary matches its glibc ------------
FROM node:20-bookworm-slim
WORKDIR /app
# tini runs as PID 1: it forwards SIGTERM to node (so the bot can finish in-flight answers) and reaps zombies.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production PORT=3000 DATABASE_PATH=/data/bot.db DATA_DIR=/data \
  DOCS_INDEX_PATH=/app/docs-index/fastapi-docs.sqlite
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build --chown=node:node /app/docs-index ./docs-index
COPY agents ./agents
COPY package.json ./
# The directory must exist with the right owner before VOLUME, or a fresh named volume is root-owned.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || '3000') + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
