FROM localhost/node:18
WORKDIR /app
COPY package.json package-lock.jso[n] npm-shrinkwrap.jso[n] .npmr[c] ./
RUN npm ci
COPY . .
CMD ["node", "index.js"]
