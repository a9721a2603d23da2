FROM python:3.11 AS builder
WORKDIR /opt/feeds
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libxml2-dev libxslt1-dev \
 && rm -rf /var/lib/apt/lists/*
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

FROM python:3.11-slim AS runtime
ARG FEEDS_VERSION=2024.10
LABEL org.opencontainers.image.title="feeds" org.opencontainers.image.version="${FEEDS_VERSION}"
RUN apt-get update \
 && apt-get install -y --no-install-recommends libxml2 libxslt1.1 xmlstarlet \
 && rm -rf /var/lib/apt/lists/*
ENV FEEDS_DIR=/opt/feeds/feeds FEEDS_VERSION=${FEEDS_VERSION} PYTHONDONTWRITEBYTECODE=1
COPY --from=builder /usr/local/lib/python3.11/site-packages /usr/local/lib/python3.11/site-packages
WORKDIR /opt/feeds
COPY main.py ./
COPY feeds ./feeds
CMD ["python", "main.py"]
