FROM localhost/rust:1.63
WORKDIR /usr/src/app
RUN apt-get update \
    && apt-get install -y --no-install-recommends librust-itoa-dev \
    && rm -rf /var/lib/apt/lists/*
COPY Cargo.toml Cargo.lock ./
RUN mkdir -p src && echo 'fn main() {}' > src/main.rs && cargo fetch || true; rm -rf src
COPY . .
RUN cargo build --release --offline && cp target/release/rust-cargo /usr/local/bin/ && rm -rf target
CMD ["rust-cargo"]
