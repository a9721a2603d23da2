FROM klakegg/hugo:0.111.3-ext-alpine AS builder
COPY . /src
RUN hugo --minify

FROM nginx:alpine AS runtime
COPY --from=builder /src/public /usr/share/nginx/html
