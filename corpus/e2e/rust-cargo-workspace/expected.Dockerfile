FROM localhost/rust:1.63 AS build
WORKDIR /usr/src/app
RUN apt-get update \
    && apt-get install -y --no-install-recommends librust-itoa-dev
COPY Cargo.toml Cargo.lock ./
COPY crates/wordcount/Cargo.toml ./crates/wordcount/
COPY crates/words/Cargo.toml ./crates/words/
RUN mkdir -p crates/wordcount/src crates/words/src && touch crates/wordcount/src/lib.rs crates/words/src/lib.rs && mkdir -p src && echo 'fn main() {}' > src/main.rs && cargo fetch || true; rm -rf src crates/wordcount/src crates/words/src
COPY . .
RUN cargo build --release --offline

FROM localhost/debian:bookworm AS runtime
COPY --from=build /usr/src/app/target/release/wordcount /usr/local/bin/wordcount
CMD ["wordcount"]
