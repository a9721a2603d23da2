FROM localhost/debian:bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends jq \
    && rm -rf /var/lib/apt/lists/*
COPY app.sh data.json ./
ENV GREETING=hello
CMD ["./app.sh"]
