# syntax=docker/dockerfile:1
# Fabrique: a self-hosted code forge.
#   docker build -t fabrique .
#   docker run -d -p 3000:3000 -v fabrique-data:/var/lib/fabrique/data -v fabrique-repos:/var/lib/fabrique/repos fabrique
# Node.js 22 LTS (supported until April 2027); nothing in the code is specific to Node 20 (engines: >=20).
ARG NODE_IMAGE=node:22-bookworm-slim

# ---------------------------------------------------------------------------
# Build: all dependencies (better-sqlite3 may compile from source: python3,
# make, g++), the web UI (vite -> dist/web), the server compiled ahead of time
# (tsc -> dist/server, dist/contract), then drop the devDependencies.
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# The lock file is written by npm 11 (its allowScripts field lets better-sqlite3 and esbuild build);
# the node:22 image ships npm 10.
RUN npm install -g npm@11 --no-audit --no-fund \
 && npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# ---------------------------------------------------------------------------
# Runtime (test/ops/image.test.ts runs its ENV, USER, HEALTHCHECK and CMD outside Docker): node, git (>= 2.38 for the wire protocol; bookworm ships 2.39) and
# tini as PID 1 (forwards SIGTERM for the graceful close, reaps git children).
# The server runs compiled (dist/server): no TypeScript transform at start (~47 MB less resident at start
# than through tsx, bench/memory.ts). Its files that are not compiled (migrations, server/data, the hook
# client) are found from /app, the folder holding package.json.
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends git tini ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system fabrique \
 && useradd --system --gid fabrique --home-dir /var/lib/fabrique --shell /usr/sbin/nologin fabrique \
 && mkdir -p /var/lib/fabrique/data /var/lib/fabrique/repos \
 && chown -R fabrique:fabrique /var/lib/fabrique

WORKDIR /app
# Application files stay owned by root: the fabrique user can read, not modify, them.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/server ./dist/server
COPY --from=build /app/dist/contract ./dist/contract
# The sources too: `npm run cli` runs server/cli.ts through tsx, and the server reads server/data and
# server/git/hook-client.cjs from there.
COPY --from=build /app/server ./server
COPY --from=build /app/contract ./contract
COPY --from=build /app/migrations ./migrations
COPY --from=build /app/dist/web ./dist/web

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    FORGE_DATA_DIR=/var/lib/fabrique/data \
    FORGE_REPOS_DIR=/var/lib/fabrique/repos \
    HOME=/var/lib/fabrique \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    MALLOC_TRIM_THRESHOLD_=131072

USER fabrique
VOLUME ["/var/lib/fabrique/data", "/var/lib/fabrique/repos"]
EXPOSE 3000

# No curl in the slim image: node's own fetch asks the health endpoint.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--"]
# Memory (bench/memory.ts, README "Memory"): a 1 MiB young generation, and glibc malloc kept to two arenas
# that give freed memory back (the MALLOC_* above): ~100 MB less resident after a large push and a browse mix.
CMD ["node", "--max-semi-space-size=1", "dist/server/main.js"]
