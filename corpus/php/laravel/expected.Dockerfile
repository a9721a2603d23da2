FROM php:8.3-fpm-alpine
RUN apk add --no-cache --virtual .build-deps $PHPIZE_DEPS icu-dev
RUN docker-php-ext-install intl pdo_mysql
COPY --from=composer:2 /usr/bin/composer /usr/bin/composer
WORKDIR /var/www
COPY composer.json composer.loc[k] auth.jso[n] ./
RUN composer install --no-scripts --no-autoloader --no-dev || true
COPY . .
RUN composer install --no-dev --optimize-autoloader
