//! The Markdown docs read as they run: rustdoc's hidden lines (`# use …`, `# Ok::<…>`)
//! would show as stray `#` lines on GitHub and in editors, so Rust samples write their
//! whole program (an explicit `fn main() -> Result<…>` where they use `?`).

use std::fs;
use std::path::Path;

#[test]
fn rust_samples_in_the_docs_have_no_hidden_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut docs = vec![root.join("README.md")];
    for entry in fs::read_dir(root.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            docs.push(path);
        }
    }
    let mut found = Vec::new();
    for doc in &docs {
        let text = fs::read_to_string(doc).unwrap();
        let mut in_rust = false;
        for (i, line) in text.lines().enumerate() {
            if let Some(fence) = line.strip_prefix("```") {
                in_rust = !in_rust && fence.starts_with("rust");
                continue;
            }
            if in_rust && (line.starts_with("# ") || line == "#") {
                found.push(format!("{}:{}: {line}", doc.display(), i + 1));
            }
        }
    }
    assert!(docs.len() > 10, "{docs:?}");
    assert!(
        found.is_empty(),
        "hidden lines in Rust samples:\n{}",
        found.join("\n")
    );
}
