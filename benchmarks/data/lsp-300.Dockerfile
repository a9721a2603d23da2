# syntax=docker/dockerfile:1
#
# The web application and its workers: a Django back end with a React front end built in the
# same image, the way many projects start out. Built by CI on every push; the same image runs
# the web server, the Celery workers and the scheduled jobs (the command differs per service).
#
# Ünïcödé in comments is fine: café, naïve, 東京, 🚀
#
# Owners: team-storefront (web, workers), team-platform (this file, the base image).

FROM python:3.12

LABEL org.opencontainers.image.title="shop-web" \
      org.opencontainers.image.description="Web shop: Django API, React storefront, Celery workers" \
      org.opencontainers.image.vendor="Example GmbH" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://git.example.invalid/shop/web"

ARG APP_USER=shop
ARG APP_UID=10001
ARG APP_GID=10001
ARG NODE_MAJOR=20
ARG BUILD_DATE
ARG GIT_SHA=unknown

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LANG=C.UTF-8 \
    LC_ALL=C.UTF-8 \
    TZ=Europe/Berlin \
    DJANGO_SETTINGS_MODULE=shop.settings.production \
    APP_HOME=/srv/shop \
    STATIC_ROOT=/srv/shop/static \
    MEDIA_ROOT=/srv/shop/media

# --- system packages ----------------------------------------------------------------------

RUN apt-get update
RUN apt-get install -y --no-install-recommends \
        build-essential \
        ca-certificates \
        curl \
        gettext \
        git \
        gnupg \
        libffi-dev \
        libjpeg62-turbo-dev \
        libpq-dev \
        libssl-dev \
        libxml2-dev \
        libxslt1-dev \
        locales \
        netcat-openbsd \
        postgresql-client \
        tzdata \
        zlib1g-dev

# Node.js for the storefront build (NodeSource's repository).
RUN mkdir -p /etc/apt/keyrings
RUN curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key \
    | gpg --dearmor -o /etc/apt/keyrings/nodesource.gpg
RUN echo "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_${NODE_MAJOR}.x nodistro main" \
    > /etc/apt/sources.list.d/nodesource.list
RUN apt-get update
RUN apt-get install -y nodejs

# Timezone and locale.
RUN ln -snf /usr/share/zoneinfo/$TZ /etc/localtime && echo $TZ > /etc/timezone
RUN sed -i -e 's/# de_DE.UTF-8 UTF-8/de_DE.UTF-8 UTF-8/' /etc/locale.gen \
    && locale-gen

# PDF invoices (WeasyPrint) and image thumbnails need these at run time.
RUN apt-get update
RUN apt-get install -y --no-install-recommends \
        fonts-dejavu-core \
        fonts-liberation \
        fonts-noto-cjk \
        fonts-noto-color-emoji \
        libcairo2 \
        libgdk-pixbuf-2.0-0 \
        libharfbuzz0b \
        libmagic1 \
        libpango-1.0-0 \
        libpangocairo-1.0-0 \
        libpangoft2-1.0-0 \
        libwebp7 \
        shared-mime-info \
        webp

# GeoIP data for the fraud checks (a licence key is passed as a build argument).
ARG MAXMIND_LICENSE_KEY=""
RUN mkdir -p /usr/share/GeoIP \
    && if [ -n "$MAXMIND_LICENSE_KEY" ]; then \
         curl -fsSL "https://download.maxmind.com/app/geoip_download?edition_id=GeoLite2-City&license_key=${MAXMIND_LICENSE_KEY}&suffix=tar.gz" \
           | tar -xz --strip-components=1 -C /usr/share/GeoIP --wildcards '*.mmdb'; \
       fi

# wait-for-it: the entry point waits for the database and the broker.
RUN curl -fsSL -o /usr/local/bin/wait-for-it https://raw.githubusercontent.com/vishnubob/wait-for-it/81b1373f17855a4dc21156cfe1694c31d7d1792e/wait-for-it.sh \
    && chmod +x /usr/local/bin/wait-for-it

# --- the application user -------------------------------------------------------------------

RUN groupadd --gid ${APP_GID} ${APP_USER} \
    && useradd --uid ${APP_UID} --gid ${APP_GID} --create-home --shell /bin/bash ${APP_USER}

RUN mkdir -p ${APP_HOME} ${STATIC_ROOT} ${MEDIA_ROOT} /var/log/shop \
    && chown -R ${APP_USER}:${APP_USER} ${APP_HOME} /var/log/shop

WORKDIR /srv/shop

# --- Python dependencies ----------------------------------------------------------------------

RUN pip install --upgrade pip setuptools wheel

COPY . .

RUN pip install -r requirements.txt
RUN pip install -r requirements-prod.txt
RUN pip install gunicorn==22.0.0 uvicorn[standard]==0.30.1

# --- storefront -------------------------------------------------------------------------------

WORKDIR /srv/shop/frontend
RUN npm ci
RUN npm run lint
RUN npm run build -- --mode production
RUN npm prune --omit=dev

WORKDIR /srv/shop

# --- Django -------------------------------------------------------------------------------------

RUN python manage.py compilemessages --ignore=.venv
RUN python manage.py collectstatic --noinput --clear

# Health check script and entry point.
COPY docker/entrypoint.sh /usr/local/bin/entrypoint.sh
COPY docker/healthcheck.py /usr/local/bin/healthcheck.py
RUN chmod +x /usr/local/bin/entrypoint.sh /usr/local/bin/healthcheck.py

# Configuration for the bundled tools.
COPY docker/nginx-snippets/ /etc/shop/nginx-snippets/
COPY docker/crontab /etc/shop/crontab
COPY docker/celery-worker.sh /usr/local/bin/celery-worker
COPY docker/celery-beat.sh /usr/local/bin/celery-beat
COPY docker/migrate.sh /usr/local/bin/migrate
RUN chmod +x /usr/local/bin/celery-worker /usr/local/bin/celery-beat /usr/local/bin/migrate

# Translations compiled for the storefront as well (JSON catalogues next to the bundle).
RUN python manage.py compilejsi18n --output frontend/dist/i18n

# The release file the health check and the admin footer read.
RUN echo "{\"sha\": \"${GIT_SHA}\", \"built\": \"${BUILD_DATE}\"}" > /srv/shop/release.json

# Gunicorn configuration: workers and timeouts come from the environment at run time.
COPY docker/gunicorn.conf.py /etc/shop/gunicorn.conf.py
COPY docker/logging.ini /etc/shop/logging.ini

# Celery: the worker and the beat scheduler read the same settings.
ENV CELERY_BROKER_URL=redis://redis:6379/0 \
    CELERY_RESULT_BACKEND=redis://redis:6379/1 \
    CELERY_TASK_ALWAYS_EAGER=0 \
    CELERY_WORKER_CONCURRENCY=4

# Feature flags and defaults (overridden per environment by the deployment).
ENV SHOP_DEFAULT_CURRENCY=EUR \
    SHOP_DEFAULT_COUNTRY=DE \
    SHOP_SUPPORTED_LANGUAGES="de,en,fr,it,es,nl,pl,ja" \
    SHOP_ENABLE_GIFT_CARDS=1 \
    SHOP_ENABLE_SUBSCRIPTIONS=1 \
    SHOP_ENABLE_MARKETPLACE=0 \
    SHOP_SESSION_COOKIE_AGE=1209600 \
    SHOP_MAX_UPLOAD_MB=25 \
    SHOP_THUMBNAIL_SIZES="64x64,128x128,256x256,512x512,1024x1024" \
    SHOP_SEARCH_BACKEND=postgres \
    SHOP_CACHE_URL=redis://redis:6379/2 \
    SHOP_EMAIL_BACKEND=smtp \
    SHOP_EMAIL_HOST=mail \
    SHOP_EMAIL_PORT=25 \
    SHOP_LOG_LEVEL=INFO \
    SHOP_LOG_FORMAT=json

# Gunicorn defaults: the deployment sets WEB_CONCURRENCY from the CPU limit.
ENV WEB_CONCURRENCY=4 \
    GUNICORN_THREADS=2 \
    GUNICORN_TIMEOUT=60 \
    GUNICORN_GRACEFUL_TIMEOUT=30 \
    GUNICORN_KEEPALIVE=5 \
    GUNICORN_MAX_REQUESTS=2000 \
    GUNICORN_MAX_REQUESTS_JITTER=200

# Sentry and metrics (the DSN comes from the deployment).
ENV SENTRY_ENVIRONMENT=production \
    SENTRY_RELEASE=${GIT_SHA} \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus

RUN mkdir -p /tmp/prometheus && chown ${APP_USER}:${APP_USER} /tmp/prometheus

# --- tools for the operators ----------------------------------------------------------------------

RUN apt-get update
RUN apt-get install -y --no-install-recommends \
        dnsutils \
        htop \
        iproute2 \
        iputils-ping \
        jq \
        less \
        lsof \
        net-tools \
        procps \
        redis-tools \
        strace \
        tcpdump \
        telnet \
        vim-tiny

# pgcli for the on-call engineer (a Python tool, installed with pip). The version is pinned:
# newer ones need a newer prompt_toolkit than the application's requirements allow.
RUN pip install pgcli==4.1.0

# --- CI -----------------------------------------------------------------------------------------------

# The same image runs the test suite in CI: the development requirements are installed when
# INSTALL_DEV=true (the pipeline passes it; production builds leave it out).
ARG INSTALL_DEV=false
RUN if [ "$INSTALL_DEV" = "true" ]; then \
        pip install -r requirements-dev.txt \
        && pip install pytest-xdist==3.6.1 pytest-randomly==3.15.0; \
    fi

ENV PYTEST_ADDOPTS="--strict-markers -p no:cacheprovider" \
    COVERAGE_FILE=/tmp/.coverage \
    DJANGO_TEST_PROCESSES=4

COPY docker/pytest.ini /srv/shop/pytest.ini
COPY docker/coveragerc /srv/shop/.coveragerc

# Playwright's browsers for the end-to-end tests of the storefront (only with INSTALL_DEV).
RUN if [ "$INSTALL_DEV" = "true" ]; then \
        cd /srv/shop/frontend \
        && npx playwright install --with-deps chromium; \
    fi

# --- housekeeping --------------------------------------------------------------------------------------

# Remove what the build left in the application directory and that the image does not need.
RUN rm -rf /srv/shop/frontend/node_modules/.cache \
           /srv/shop/frontend/.parcel-cache \
           /srv/shop/.git \
           /srv/shop/docs \
           /srv/shop/tests/fixtures/large

# Permissions: the application user owns what it writes at run time, and nothing else.
RUN chown -R ${APP_USER}:${APP_USER} ${MEDIA_ROOT} /var/log/shop /tmp/prometheus \
    && chmod -R go-w /srv/shop

# A smoke test at build time: the settings import and the checks pass.
RUN DJANGO_SECRET_KEY=build-only python manage.py check --deploy --fail-level WARNING || true

# --- metadata -----------------------------------------------------------------------------------

LABEL org.opencontainers.image.created="${BUILD_DATE}" \
      org.opencontainers.image.revision="${GIT_SHA}"

# Ports: gunicorn (8000) and the metrics endpoint (9100).
EXPOSE 8000
EXPOSE 9100

VOLUME ["/srv/shop/media"]

USER ${APP_USER}

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python /usr/local/bin/healthcheck.py || exit 1

ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
CMD ["gunicorn", "--config", "/etc/shop/gunicorn.conf.py", "shop.wsgi:application"]

# ------------------------------------------------------------------------------------------------
# Notes for maintainers
#
# * The image is large (about 2 GB): the compilers, the -dev packages and Node.js stay in the
#   final image. Splitting the build from the runtime is on the roadmap.
# * Every source change reinstalls the Python and npm dependencies, because the whole
#   repository is copied before the installs.
# * apt's package lists are kept in the image.
# * `pip install` keeps its cache in the image.
#
# Services (docker compose):
#   web     gunicorn (this CMD)
#   worker  celery -A shop worker -l info
#   beat    celery -A shop beat -l info --schedule /tmp/celerybeat-schedule
#   migrate python manage.py migrate --noinput
#
# Build locally:
#   docker build --build-arg GIT_SHA=$(git rev-parse HEAD) --build-arg BUILD_DATE=$(date -u +%FT%TZ) -t shop-web .
# ------------------------------------------------------------------------------------------------
