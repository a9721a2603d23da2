FROM python:3.11 AS builder
ARG FEEDS_VERSION=2024.10
LABEL org.opencontainers.image.title="feeds" org.opencontainers.image.version="${FEEDS_VERSION}"
WORKDIR /opt/feeds
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libxml2-dev libxslt1-dev xmlstarlet \
 && rm -rf /var/lib/apt/lists/*
ENV FEEDS_DIR=/opt/feeds/feeds FEEDS_VERSION=${FEEDS_VERSION} PYTHONDONTWRITEBYTECODE=1
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
CMD ["python", "main.py"]

FROM python:3.11-slim AS runtime
ARG FEEDS_VERSION=2024.10
LABEL org.opencontainers.image.title="feeds" org.opencontainers.image.version="${FEEDS_VERSION}"
WORKDIR /opt/feeds
RUN apt-get update \
 && apt-get install -y --no-install-recommends libxml2 libxslt1.1 xmlstarlet \
 && rm -rf /var/lib/apt/lists/*
ENV FEEDS_DIR=/opt/feeds/feeds FEEDS_VERSION=${FEEDS_VERSION} PYTHONDONTWRITEBYTECODE=1
COPY --from=builder /opt/feeds /opt/feeds
COPY --from=builder /usr/local/lib/python3.11/site-packages /usr/local/lib/python3.11/site-packages
COPY --from=builder /usr/local/bin /usr/local/bin
CMD ["python", "main.py"]
