FROM rust:1.70-bookworm AS builder
WORKDIR /usr/src/wordcount
COPY . .
RUN cargo install --path . --locked

FROM debian:bookworm-slim AS runtime
COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=builder /usr/local/cargo/bin/wordcount /usr/local/bin/wordcount
WORKDIR /usr/src/wordcount
LABEL org.opencontainers.image.description="counts words"
ENV WORDCOUNT_TOP=3
CMD ["wordcount"]
