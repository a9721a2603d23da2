//! Sorts a few words and formats numbers with itoa.

fn main() {
    let mut words = vec!["cargo", "order", "copies", "rust"];
    words.sort_unstable();
    println!("rust-cargo: {}", words.join(","));
    let longest = words.iter().fold("", |best, w| if w.len() > best.len() { w } else { best });
    let mut buffer = itoa::Buffer::new();
    let total: u64 = words.iter().map(|w| w.len() as u64).product();
    println!("{} words, longest {:?}, letters multiplied {}", words.len(), longest, buffer.format(total));
}
