FROM localhost/debian:bookworm
WORKDIR /srv/app
RUN apt-get update \
    && apt-get install -y --no-install-recommends jq
COPY app.sh data.json ./
ENV GREETING=hello
CMD ["./app.sh"]
