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

FROM php:8.2-cli-bookworm AS runtime
# zip runs at run time, libzip4 is what the ziplist extension links; git, unzip, composer and
# the headers stay in the builder
RUN apt-get update \
    && apt-get install -y --no-install-recommends libzip4 zip \
    && rm -rf /var/lib/apt/lists/*
COPY --from=builder /usr/local/lib/php/extensions/no-debug-non-zts-20220829/ziplist.so /usr/local/lib/php/extensions/no-debug-non-zts-20220829/ziplist.so
COPY --from=builder /usr/local/etc/php/conf.d/docker-php-ext-ziplist.ini /usr/local/etc/php/conf.d/docker-php-ext-ziplist.ini
WORKDIR /app
COPY --from=builder /app /app
CMD ["php", "app.php"]
