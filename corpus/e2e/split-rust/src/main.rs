//! Counts the words of a built-in text and prints the most frequent ones (WORDCOUNT_TOP of them).

use std::collections::BTreeMap;

const TEXT: &str = "the builder stage builds the program and the runtime stage runs the program \
                    the runtime stage is slim and the builder stage is not";

fn main() {
    let top: usize = std::env::var("WORDCOUNT_TOP").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for word in TEXT.split_whitespace() {
        *counts.entry(word).or_default() += 1;
    }
    let mut ranked: Vec<(&str, u64)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut buffer = itoa::Buffer::new();
    println!("wordcount {}: {} words, {} distinct", env!("CARGO_PKG_VERSION"), TEXT.split_whitespace().count(), ranked.len());
    for (word, count) in ranked.iter().take(top) {
        println!("{:>4} {}", buffer.format(*count), word);
    }
    let cwd = std::env::current_dir().map(|p| p.display().to_string()).unwrap_or_default();
    println!("working directory {}", cwd);
}
