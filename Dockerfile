# syntax=docker/dockerfile:1
#
# One image for every Dreamcatcher process; the command picks the service:
#   node gateway/dist/main.js            (the default)
#   node services/command/dist/main.js
#   node services/relay/dist/main.js
#   node projections/dist/main.js        (with PROJECTIONS=<name>, one projection per process)
# and the operators' command line: node cli/bin/dreamcatcher.mjs <command> (see cli/README.md)
# Every process listens on PORT (8080 in the image) for its API or its ops endpoints.
#
#   docker build -t dreamcatcher/backend .
#   docker run --env-file prod.env dreamcatcher/backend node services/relay/dist/main.js

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS base
# The npm that CI runs: its allowScripts policy (root package.json) decides which
# dependency install scripts may run, so the image installs exactly what CI installs.
ARG NPM_VERSION=11.19.1
RUN npm install --global --no-audit --no-fund "npm@${NPM_VERSION}" \
 && npm cache clean --force
ENV npm_config_update_notifier=false \
    NX_DAEMON=false \
    NX_NO_CLOUD=true
WORKDIR /app

# The manifests alone, so that the dependency layers are rebuilt only when they change.
# Every npm workspace of package.json is listed here (a test checks it).
FROM base AS manifests
COPY package.json package-lock.json ./
COPY contracts/package.json contracts/
COPY services/kit/package.json services/kit/
COPY services/event-store/package.json services/event-store/
COPY services/domain/package.json services/domain/
COPY services/audit/package.json services/audit/
COPY services/command/package.json services/command/
COPY services/relay/package.json services/relay/
COPY services/imports/package.json services/imports/
COPY projections/package.json projections/
COPY gateway/package.json gateway/
COPY cli/package.json cli/
COPY tests/package.json tests/

# Build: the same commands as .ci/run.
FROM manifests AS build
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Runtime: production dependencies of every workspace, the compiled dist/ folders and the
# contract data the services read at run time; no compiler, no sources, no dev tools.
FROM manifests AS runtime
ENV NODE_ENV=production
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force
COPY --from=build /app/contracts/dist contracts/dist
COPY --from=build /app/contracts/common contracts/common
COPY --from=build /app/contracts/events contracts/events
COPY --from=build /app/contracts/commands contracts/commands
COPY --from=build /app/contracts/envelope contracts/envelope
COPY --from=build /app/contracts/http contracts/http
COPY --from=build /app/contracts/bundle contracts/bundle
COPY --from=build /app/services/kit/dist services/kit/dist
COPY --from=build /app/services/event-store/dist services/event-store/dist
COPY --from=build /app/services/domain/dist services/domain/dist
COPY --from=build /app/services/audit/dist services/audit/dist
COPY --from=build /app/services/command/dist services/command/dist
COPY --from=build /app/services/relay/dist services/relay/dist
COPY --from=build /app/services/imports/dist services/imports/dist
COPY --from=build /app/projections/dist projections/dist
COPY --from=build /app/gateway/dist gateway/dist
COPY --from=build /app/cli/dist cli/dist
COPY --from=build /app/cli/bin cli/bin

# Inside a container the services must listen on every interface, not the loopback default.
ENV HOST=0.0.0.0 \
    PORT=8080
# Every service loads the kit's telemetry entry before its main module, whatever command
# starts it; the entry arms tracing only when OTEL_EXPORTER_OTLP_ENDPOINT is set, and
# never for `node -e` (the health check below).
ENV NODE_OPTIONS="--import=/app/services/kit/dist/telemetry/register.js"
EXPOSE 8080
# The node image's unprivileged user (uid 1000); the files above stay owned by root, read-only to it.
USER node

# Node-based, so the image needs no curl; PORT is read at check time, as the service reads it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || '8080') + '/health', { signal: AbortSignal.timeout(2500) }).then((res) => process.exit(res.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "gateway/dist/main.js"]
