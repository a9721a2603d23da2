FROM localhost/node:18
WORKDIR /app
COPY package.json package-lock.json ./
RUN cd /app && npm ci
COPY . .
RUN chmod +x start.sh
CMD ["./start.sh"]
