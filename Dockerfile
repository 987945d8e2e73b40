# syntax=docker/dockerfile:1
# Multi-stage build: the embedded database (Go), the app (TypeScript + Vite), then a slim runtime.

FROM golang:1.26-bookworm AS ferretdb
WORKDIR /src/tools/ferretdb
COPY tools/ferretdb/go.mod tools/ferretdb/go.sum ./
RUN go mod download
COPY tools/ferretdb/ ./
RUN CGO_ENABLED=0 go build -trimpath -o /out/ferretdb-embedded .

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY scripts ./scripts
# Lets a single container run on the embedded database when MONGODB_URI is unset.
COPY --from=ferretdb /out/ferretdb-embedded ./.cache/ferretdb/ferretdb-embedded
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/server/index.js"]
