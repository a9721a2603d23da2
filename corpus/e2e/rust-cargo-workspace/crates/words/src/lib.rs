//! Word statistics, with numbers formatted by itoa.

pub fn summary(words: &mut Vec<&str>) -> String {
    words.sort_unstable();
    let letters: u64 = words.iter().map(|w| w.len() as u64).sum();
    let mut buffer = itoa::Buffer::new();
    format!("{} ({} letters)", words.join(","), buffer.format(letters))
}
