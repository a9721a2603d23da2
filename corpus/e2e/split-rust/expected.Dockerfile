FROM rust:1.70-bookworm AS builder
WORKDIR /usr/src/wordcount
COPY . .
RUN cargo install --path . --locked
LABEL org.opencontainers.image.description="counts words"
ENV WORDCOUNT_TOP=3
CMD ["wordcount"]

FROM debian:bookworm-slim AS runtime
WORKDIR /usr/src/wordcount
COPY --from=builder /usr/local/cargo/bin/wordcount /usr/local/bin/wordcount
COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
LABEL org.opencontainers.image.description="counts words"
ENV WORDCOUNT_TOP=3
CMD ["wordcount"]
