FROM localhost/debian:bookworm
WORKDIR /srv/app
RUN apt-get update \
    && apt-get install -y --no-install-recommends jq \
    && rm -rf /var/lib/apt/lists/*
COPY data.json ./
CMD ["jq", "-r", ".name", "data.json"]
