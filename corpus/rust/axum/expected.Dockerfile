FROM rust:1.79 as builder
WORKDIR /usr/src/app
COPY Cargo.toml Cargo.loc[k] ./
RUN mkdir -p src && echo 'fn main() {}' > src/main.rs && cargo fetch || true; rm -rf src
COPY . .
RUN cargo build --release

from debian:bookworm-slim as runtime
run apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
copy --from=builder /usr/src/app/target/release/axum-app /usr/local/bin/axum-app
cmd ["axum-app"]
