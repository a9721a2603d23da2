FROM node:18 AS builder
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
CMD ["node", "index.js"]

FROM node:18-slim AS runtime
COPY package.json package-lock.json ./
COPY --from=builder /node_modules /node_modules
COPY . .
CMD ["node", "index.js"]
