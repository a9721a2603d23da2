"""Rust: cargo."""

from . import Ecosystem, patterns

ECOSYSTEM: Ecosystem = Ecosystem(
    name="rust",
    label="rust",
    images=("rust",),
    manifests=("Cargo.toml", "Cargo.lock"),
    install=patterns("cargo fetch", "cargo chef cook"),
    build=patterns("cargo build", "cargo install"),
    test=patterns("cargo test", "cargo clippy"),
)
