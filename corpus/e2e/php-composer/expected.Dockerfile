FROM localhost/php:8.2-cli
WORKDIR /app
RUN apt-get update \
    && apt-get install -y --no-install-recommends php8.2-mbstring \
    && rm -rf /var/lib/apt/lists/*
COPY composer.json composer.lock ./
RUN composer install --no-scripts --no-autoloader --no-dev --no-interaction || true
COPY . .
RUN composer install --no-dev --no-interaction
CMD ["php", "app.php"]
