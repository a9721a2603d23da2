FROM php:8.3-fpm-alpine AS builder
RUN apk add --no-cache --virtual .build-deps $PHPIZE_DEPS icu-dev
RUN docker-php-ext-install intl pdo_mysql
COPY --from=composer:2 /usr/bin/composer /usr/bin/composer
WORKDIR /var/www
COPY composer.json composer.loc[k] auth.jso[n] ./
RUN composer install --no-scripts --no-autoloader --no-dev || true
COPY . .
RUN composer install --no-dev --optimize-autoloader

FROM php:8.3-fpm-alpine AS runtime
RUN apk add --no-cache icu-libs
COPY --from=composer:2 /usr/bin/composer /usr/bin/composer
WORKDIR /var/www
COPY --from=builder /var/www /var/www
COPY --from=builder /usr/local/lib/php/extensions /usr/local/lib/php/extensions
COPY --from=builder /usr/local/etc/php /usr/local/etc/php
