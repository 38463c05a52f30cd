# syntax=docker/dockerfile:1
# Multi-stage build: dependencies and the TypeScript build happen in throwaway stages; the runtime image
# holds only production node_modules, the compiled dist/ and the healthcheck, and runs as the
# unprivileged `node` user. One image serves every role; APP_ROLES (api, worker, feed) picks them.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY config ./config
COPY migrations ./migrations
COPY scripts ./scripts
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=8000 \
    HOST=0.0.0.0 \
    NODE_OPTIONS=--enable-source-maps
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node docker/healthcheck.js ./docker/healthcheck.js
USER node
EXPOSE 8000
# Liveness only (no dependencies): readiness is for load balancers and Kubernetes, not restarts.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["node", "docker/healthcheck.js"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
