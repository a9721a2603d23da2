FROM python:3.11 AS builder
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /srv/inventory
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libpq-dev jq \
 && rm -rf /var/lib/apt/lists/*
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN python make_catalog.py data/items.csv > catalog.json
LABEL maintainer="inventory-team@example.com"
EXPOSE 8000
CMD ["python", "app.py", "--catalog", "catalog.json"]

FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /srv/inventory
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 jq \
 && rm -rf /var/lib/apt/lists/*
COPY --from=builder /srv/inventory /srv/inventory
COPY --from=builder /usr/local/lib/python3.11/site-packages /usr/local/lib/python3.11/site-packages
COPY --from=builder /usr/local/bin /usr/local/bin
RUN python make_catalog.py data/items.csv > catalog.json
LABEL maintainer="inventory-team@example.com"
EXPOSE 8000
CMD ["python", "app.py", "--catalog", "catalog.json"]
