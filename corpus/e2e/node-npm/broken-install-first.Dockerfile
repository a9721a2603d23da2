FROM localhost/node:18
WORKDIR /app
RUN npm ci
COPY package.json package-lock.json ./
COPY . .
CMD ["node", "index.js"]
