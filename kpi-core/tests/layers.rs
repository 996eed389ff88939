//! kpi-core's modules form one-way layers (docs/architecture.md, "Layers"): a module uses
//! only modules of lower layers, and the files inside a module folder import each other
//! without loops. This test reads the `crate::` and `super::` paths of the sources (tests
//! and comments left out) and fails on an arrow that runs up or sideways, naming the file.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The layers, lowest first. A module may use the modules of the layers below its own,
/// never one of its own layer or above: a callback (a closure passed down) is the way
/// for a lower module to reach a higher one.
const LAYERS: &[&[&str]] = &[
    // Reading a JSON value with the path of its first error (what errors locate).
    &["path_de"],
    // Leaves: errors, exact digits, time zones, threads, text for people.
    &[
        "error",
        "exact",
        "zone",
        "parallel",
        "text",
        "hand_schemas",
        "maps",
        "unit_enum",
    ],
    &["decimal"],
    // Documents: JSON text and TOML, read into values; enums read by their shape.
    &["json", "toml_doc", "shape"],
    &["period"],
    // What is measured from: formulas and facts.
    &["formula", "fact"],
    &["org", "metric"],
    // Measuring: the measure pass (and metric values over it), and reading CRM data.
    &["measure", "ingest"],
    // The output schema, and the catalogue (metrics checked through the measure layer).
    &["report", "catalogue"],
    &["goal"],
    &["incentive"],
    &["plan"],
    // Above the plan: closing periods, and exploring a plan's design.
    &["settle", "design"],
    // The plan's JSON Schema (generated from the plan's types), the long-form
    // documentation, what the bindings need (`bindings`, hidden), and the crate root that
    // re-exports everything.
    &["schema", "docs", "bindings", "testing", "lib"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments and its unit tests (`#[cfg(test)]` modules
/// come last in kpi's files).
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .map(|line| match line.find("//") {
            // A `//` inside a string literal (a URL) is rare in kpi; cutting there only
            // hides paths, which is the safe side for a test that looks for arrows.
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first segment of each path of a `use` group: `{a::b, c, d::{e, f}}` → a, c, d.
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                heads.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        if depth == 0 {
            current.push(c);
        }
    }
    heads.push(current);
    heads
        .iter()
        .filter_map(|h| {
            let head: String = h
                .trim()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            (!head.is_empty()).then_some(head)
        })
        .collect()
}

/// The names that follow `prefix` in `code`: `prefix::name` and each head of
/// `prefix::{…}`.
fn heads_after(code: &str, prefix: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(prefix) {
        // Only where a path starts: `other_crate::` is not `crate::`.
        let before = rest[..at].chars().last();
        rest = &rest[at + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let end = group
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(group.len(), |(i, _)| i);
            heads.extend(group_heads(&group[..end]));
        } else {
            let head: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !head.is_empty() {
                heads.push(head);
            }
        }
    }
    heads
}

/// The names `lib.rs` re-exports at the crate root, and the module each comes from
/// (`crate::Plan` is `plan`'s).
fn root_names(lib: &str) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for statement in lib.split(';') {
        let Some(path) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, rest)) = path.split_once("::") else {
            continue;
        };
        for name in rest.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if !name.is_empty() {
                names.insert(name.to_owned(), module.to_owned());
            }
        }
        // `pub use plan::validate as smart`: `crate::smart` is plan's.
        if let Some((_, alias)) = path.split_once(" as ") {
            names.insert(alias.trim().to_owned(), module.to_owned());
        }
    }
    names
}

struct File {
    /// The top-level module: `goal` for src/goal/resolve.rs, `lib` for src/lib.rs.
    module: String,
    /// The file inside its module folder: `resolve` for src/goal/resolve.rs, `mod` for
    /// src/goal/mod.rs, None for a one-file module.
    inner: Option<String>,
    code: String,
    shown: String,
}

fn files() -> Vec<File> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    sources(&src, &mut paths);
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let relative = path.strip_prefix(&src).unwrap();
            let parts: Vec<String> = relative
                .iter()
                .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
                .collect();
            File {
                module: parts[0].clone(),
                inner: parts.get(1).cloned(),
                code: code_of(&fs::read_to_string(path).unwrap()),
                shown: format!("src/{}", relative.display()),
            }
        })
        .collect()
}

#[test]
fn modules_use_only_lower_layers() {
    let files = files();
    let lib = files.iter().find(|f| f.module == "lib").unwrap();
    let roots = root_names(&lib.code);
    let mut wrong = Vec::new();
    for file in &files {
        let Some(own) = layer_of(&file.module) else {
            wrong.push(format!(
                "{}: module `{}` has no layer",
                file.shown, file.module
            ));
            continue;
        };
        let used: BTreeSet<String> = heads_after(&file.code, "crate::")
            .into_iter()
            .map(|head| roots.get(&head).cloned().unwrap_or(head))
            .filter(|module| *module != file.module && module != "self")
            .collect();
        for module in used {
            match layer_of(&module) {
                Some(layer) if layer < own || file.module == "lib" => {}
                Some(_) => wrong.push(format!(
                    "{} ({}) uses `{module}`, which is not below it",
                    file.shown, file.module
                )),
                None => wrong.push(format!("{}: `crate::{module}` is in no layer", file.shown)),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "arrows against the layers:\n{}",
        wrong.join("\n")
    );
}

/// Within a module folder, the files (mod.rs aside: it declares and re-exports them) use
/// each other without a loop. Names are resolved to the sibling file that defines them.
#[test]
fn files_of_a_module_import_each_other_without_loops() {
    let files = files();
    let mut by_module: BTreeMap<&str, Vec<&File>> = BTreeMap::new();
    for file in &files {
        if file.inner.as_deref().is_some_and(|inner| inner != "mod") {
            by_module.entry(&file.module).or_default().push(file);
        }
    }
    for (module, siblings) in by_module {
        // Which sibling defines each item name.
        let mut defined: BTreeMap<String, &str> = BTreeMap::new();
        for file in &siblings {
            let inner = file.inner.as_deref().unwrap();
            for keyword in ["fn ", "struct ", "enum ", "type ", "trait ", "const "] {
                for (at, _) in file.code.match_indices(keyword) {
                    let line_start = file.code[..at].rfind('\n').map_or(0, |i| i + 1);
                    let prefix = file.code[line_start..at].trim();
                    if !(prefix.starts_with("pub") || prefix.is_empty()) {
                        continue;
                    }
                    let name: String = file.code[at + keyword.len()..]
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if prefix.starts_with("pub") {
                        defined.insert(name, inner);
                    }
                }
            }
        }
        let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for file in &siblings {
            let inner = file.inner.as_deref().unwrap();
            let mut heads = heads_after(&file.code, "super::");
            heads.extend(heads_after(&file.code, &format!("crate::{module}::")));
            for head in heads {
                let target = siblings
                    .iter()
                    .filter_map(|s| s.inner.as_deref())
                    .find(|s| *s == head)
                    .or_else(|| defined.get(&head).copied());
                if let Some(target) = target
                    && target != inner
                {
                    edges.entry(inner).or_default().insert(target);
                }
            }
        }
        // A loop is a path from a file back to itself.
        for &start in edges.keys() {
            let mut seen = BTreeSet::new();
            let mut stack: Vec<Vec<&str>> = vec![vec![start]];
            while let Some(path) = stack.pop() {
                let last = *path.last().unwrap();
                for &next in edges.get(last).into_iter().flatten() {
                    assert!(
                        next != start,
                        "src/{module}/: the files import each other in a loop: {} -> {next}",
                        path.join(" -> ")
                    );
                    if seen.insert(next) {
                        let mut longer = path.clone();
                        longer.push(next);
                        stack.push(longer);
                    }
                }
            }
        }
    }
}

/// The checks above would pass on an empty tree: make sure they read real arrows.
#[test]
fn the_reader_sees_the_arrows_it_checks() {
    let files = files();
    let plan = files.iter().find(|f| f.shown == "src/plan/mod.rs").unwrap();
    let heads = heads_after(&plan.code, "crate::");
    for module in ["goal", "incentive", "measure", "period"] {
        assert!(heads.iter().any(|h| h == module), "{module} in {heads:?}");
    }
    assert_eq!(
        group_heads("a::b, c, d::{e, f}"),
        vec!["a".to_owned(), "c".to_owned(), "d".to_owned()]
    );
    assert_eq!(
        heads_after("use super::super::x; use super::{y::Z, w};", "super::"),
        vec!["super", "x", "y", "w"]
    );
}
