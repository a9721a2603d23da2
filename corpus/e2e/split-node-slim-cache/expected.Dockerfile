FROM node:18-slim AS builder
WORKDIR /app
COPY package.json yarn.lock ./
RUN yarn install --frozen-lockfile --production
COPY . .
CMD ["node", "server.js", "--once"]

FROM node:18-slim AS runtime
WORKDIR /app
COPY --from=builder /app /app
CMD ["node", "server.js", "--once"]
