FROM python:3.11 AS builder
WORKDIR /srv/unpack
RUN sed -i 's/Components: main/Components: main non-free/' /etc/apt/sources.list.d/debian.sources
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc unrar \
 && rm -rf /var/lib/apt/lists/*
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
CMD ["python", "main.py"]

FROM python:3.11-slim AS runtime
WORKDIR /srv/unpack
COPY --from=builder /etc/apt /etc/apt
COPY --from=builder /usr/share/keyrings /usr/share/keyrings
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates unrar \
 && rm -rf /var/lib/apt/lists/*
COPY --from=builder /srv/unpack /srv/unpack
COPY --from=builder /usr/local/lib/python3.11/site-packages /usr/local/lib/python3.11/site-packages
COPY --from=builder /usr/local/bin /usr/local/bin
CMD ["python", "main.py"]
