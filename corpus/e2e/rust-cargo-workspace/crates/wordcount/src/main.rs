//! Prints a summary of a few words, from the workspace's words crate.

fn main() {
    let mut words = vec!["workspace", "members", "cargo", "fetch"];
    println!("wordcount: {}", words::summary(&mut words));
}
