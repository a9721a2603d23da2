FROM php:8.2-cli-bookworm AS builder
RUN apt-get update \
    && apt-get install -y --no-install-recommends git unzip libzip-dev zip composer \
    && rm -rf /var/lib/apt/lists/*
COPY ext/ziplist /usr/src/ziplist
RUN pecl install /usr/src/ziplist/package.xml \
    && docker-php-ext-enable ziplist
WORKDIR /app
COPY composer.json composer.lock ./
COPY packages ./packages
RUN composer install --no-dev --no-interaction --no-autoloader
COPY . .
RUN composer dump-autoload --no-dev --optimize
CMD ["php", "app.php"]

FROM php:8.2-cli-bookworm AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends libzip4 zip \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=builder /app /app
COPY --from=builder /usr/src/ziplist /usr/src/ziplist
COPY --from=builder /usr/local/lib/php/extensions /usr/local/lib/php/extensions
COPY --from=builder /usr/local/etc/php /usr/local/etc/php
CMD ["php", "app.php"]
