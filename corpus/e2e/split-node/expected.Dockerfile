FROM node:18 AS builder
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /usr/src/app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build
ENV NODE_ENV=production
USER node
EXPOSE 3000
CMD ["node", "dist/index.js"]

FROM node:18-slim AS runtime
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /usr/src/app
COPY --from=builder /usr/src/app /usr/src/app
ENV NODE_ENV=production
USER node
EXPOSE 3000
CMD ["node", "dist/index.js"]
