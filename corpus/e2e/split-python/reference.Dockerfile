FROM python:3.11 AS builder
WORKDIR /srv/inventory
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libpq-dev \
 && rm -rf /var/lib/apt/lists/*
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN python make_catalog.py data/items.csv > catalog.json

FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends jq \
 && rm -rf /var/lib/apt/lists/*
COPY --from=builder /usr/local/lib/python3.11/site-packages /usr/local/lib/python3.11/site-packages
COPY --from=builder /usr/local/bin /usr/local/bin
WORKDIR /srv/inventory
COPY --from=builder /srv/inventory/app.py /srv/inventory/catalog.json ./
LABEL maintainer="inventory-team@example.com"
EXPOSE 8000
CMD ["python", "app.py", "--catalog", "catalog.json"]
