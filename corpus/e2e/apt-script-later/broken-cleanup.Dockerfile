FROM localhost/debian:bookworm
WORKDIR /srv/app
RUN apt-get update \
    && apt-get install -y --no-install-recommends jq \
    && rm -rf /var/lib/apt/lists/*
COPY install-extras.sh /usr/local/bin/
RUN sh /usr/local/bin/install-extras.sh
COPY data.json ./
CMD ["sh", "-c", "jq -r .name data.json && bc --version | head -n 1"]
