# Multi-stage: build with dev dependencies, run with production ones only, as a non-root user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/copy-assets.mjs scripts/build-if-stale.mjs scripts/
COPY src src
COPY docs/openapi.yaml docs/openapi.yaml
COPY console console
RUN npm run build

FROM node:20-bookworm-slim AS run
ENV NODE_ENV=production PORT=8080 DATA_DIR=/var/lib/eessi-liaison CONFIG_DIR=/app/config
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist dist
COPY schemas schemas
COPY config config
RUN mkdir -p /var/lib/eessi-liaison && chown node:node /var/lib/eessi-liaison
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js"]
