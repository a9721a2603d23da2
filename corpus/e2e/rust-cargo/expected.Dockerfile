FROM localhost/rust:1.63
WORKDIR /usr/src/app
COPY . .
RUN apt-get update \
    && apt-get install -y --no-install-recommends librust-itoa-dev \
    && rm -rf /var/lib/apt/lists/*
RUN cargo build --release --offline && cp target/release/rust-cargo /usr/local/bin/ && rm -rf target
CMD ["rust-cargo"]
