//! kpi-core's public items are listed in `kpi-core/public-api.txt`, so that the surface
//! only changes on purpose (docs/architecture.md, "A deliberate public API").
//!
//! The list is read from rustdoc's JSON output of the library (default features and
//! `ingest`, as a service that ingests CRM exports builds it): every item reachable from
//! the crate root, under each public path, with the fields, variants and methods of types
//! and the trait impls they have. `#[doc(hidden)]` items (`kpi_core::bindings`) are not
//! listed: they are not a stable API. rustdoc's JSON is unstable; the stable toolchain
//! writes it when `RUSTC_BOOTSTRAP=1` is set, which this test does for its own `cargo
//! rustdoc` only, in a target directory of its own.
//!
//! On a difference the test fails with the lines added and removed. When the change is
//! meant, rewrite the list with `KPI_BLESS=1 cargo test -p kpi-core --test public_api`
//! and commit it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Runs `cargo rustdoc` with JSON output and returns the document.
fn rustdoc_json() -> Value {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("public-api");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .current_dir(manifest)
        .env("RUSTC_BOOTSTRAP", "1")
        .env_remove("RUSTDOCFLAGS")
        .args(["rustdoc", "-p", "kpi-core", "--lib", "--locked", "--quiet"])
        .args(["--features", "ingest", "--target-dir"])
        .arg(&target)
        .args(["--", "-Z", "unstable-options", "--output-format", "json"])
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo rustdoc failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(target.join("doc/kpi_core.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

struct Lister<'a> {
    index: &'a serde_json::Map<String, Value>,
    paths: &'a serde_json::Map<String, Value>,
    /// Item id → every public path it is reachable at.
    found: BTreeMap<String, BTreeSet<String>>,
    /// (kind, path) of every item, under each of its paths.
    items: BTreeSet<(String, String)>,
}

fn inner(item: &Value) -> (&str, &Value) {
    let object = item["inner"].as_object().expect("inner is an object");
    let (kind, value) = object.iter().next().expect("inner has a kind");
    (kind.as_str(), value)
}

fn id_key(id: &Value) -> String {
    id.to_string()
}

impl<'a> Lister<'a> {
    fn item(&self, id: &Value) -> Option<&'a Value> {
        self.index.get(&id_key(id))
    }

    /// Visits the module `id` at `path`, recording the items it makes public.
    fn module(&mut self, id: &Value, path: &str, seen: &mut BTreeSet<String>) {
        if !seen.insert(format!("{}@{path}", id_key(id))) {
            return;
        }
        let Some(module) = self.item(id) else { return };
        let items: Vec<Value> = inner(module).1["items"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for child in &items {
            let Some(item) = self.item(child) else {
                continue;
            };
            let (kind, value) = inner(item);
            if kind == "use" {
                let target = &value["id"];
                if value["is_glob"].as_bool() == Some(true) {
                    if self.item(target).is_some() {
                        self.module(target, path, seen);
                    } else {
                        let source = value["source"].as_str().unwrap_or("?");
                        self.items
                            .insert(("use".to_owned(), format!("{path}::{source}::*")));
                    }
                    continue;
                }
                let name = value["name"].as_str().unwrap_or("?");
                let at = format!("{path}::{name}");
                if let Some(resolved) = self.item(target) {
                    self.named(target, resolved, &at, seen);
                } else {
                    let source = value["source"].as_str().unwrap_or("?");
                    self.items
                        .insert(("use".to_owned(), format!("{at} = {source}")));
                }
            } else if let Some(name) = item["name"].as_str() {
                let at = format!("{path}::{name}");
                self.named(child, item, &at, seen);
            }
        }
    }

    fn named(&mut self, id: &Value, item: &Value, at: &str, seen: &mut BTreeSet<String>) {
        let (kind, _) = inner(item);
        self.items.insert((kind.to_owned(), at.to_owned()));
        self.found
            .entry(id_key(id))
            .or_default()
            .insert(at.to_owned());
        if kind == "module" {
            self.module(id, at, seen);
        }
    }

    /// The members of the item `id` (fields, variants, methods, trait impls), listed under
    /// its shortest path.
    fn members(&mut self, id: &str, at: &str) {
        let item = self.index[id].clone();
        let (kind, value) = inner(&item);
        let mut impls = Vec::new();
        match kind {
            "struct" => {
                let fields = match &value["kind"] {
                    Value::Object(k) if k.contains_key("plain") => {
                        k["plain"]["fields"].as_array().cloned().unwrap_or_default()
                    }
                    Value::Object(k) if k.contains_key("tuple") => {
                        k["tuple"].as_array().cloned().unwrap_or_default()
                    }
                    _ => Vec::new(),
                };
                for (n, field) in fields.iter().enumerate() {
                    if let Some(f) = self.item(field) {
                        let name = f["name"]
                            .as_str()
                            .map_or_else(|| n.to_string(), str::to_owned);
                        self.items
                            .insert(("field".to_owned(), format!("{at}::{name}")));
                    }
                }
                impls = value["impls"].as_array().cloned().unwrap_or_default();
            }
            "enum" => {
                for variant in value["variants"].as_array().into_iter().flatten() {
                    let Some(v) = self.item(variant).cloned() else {
                        continue;
                    };
                    let name = v["name"].as_str().unwrap_or("?");
                    self.items
                        .insert(("variant".to_owned(), format!("{at}::{name}")));
                    if let Some(fields) =
                        v["inner"]["variant"]["kind"]["struct"]["fields"].as_array()
                    {
                        for field in fields {
                            if let Some(f) = self.item(field) {
                                let field_name = f["name"].as_str().unwrap_or("?");
                                self.items.insert((
                                    "field".to_owned(),
                                    format!("{at}::{name}::{field_name}"),
                                ));
                            }
                        }
                    }
                }
                impls = value["impls"].as_array().cloned().unwrap_or_default();
            }
            "trait" => {
                for member in value["items"].as_array().into_iter().flatten() {
                    if let Some(m) = self.item(member) {
                        let (member_kind, _) = inner(m);
                        let name = m["name"].as_str().unwrap_or("?");
                        self.items
                            .insert((member_kind.to_owned(), format!("{at}::{name}")));
                    }
                }
            }
            _ => {}
        }
        for implementation in &impls {
            let Some(imp) = self.item(implementation).cloned() else {
                continue;
            };
            let imp = &imp["inner"]["impl"];
            if imp["is_synthetic"].as_bool() == Some(true) || !imp["blanket_impl"].is_null() {
                continue;
            }
            if imp["trait"].is_null() {
                for member in imp["items"].as_array().into_iter().flatten() {
                    let Some(m) = self.item(member) else { continue };
                    if m["visibility"] != "public" {
                        continue;
                    }
                    let (member_kind, _) = inner(m);
                    let name = m["name"].as_str().unwrap_or("?");
                    self.items
                        .insert((member_kind.to_owned(), format!("{at}::{name}")));
                }
            } else {
                let negative = if imp["is_negative"].as_bool() == Some(true) {
                    "!"
                } else {
                    ""
                };
                let name = self.path_type(&imp["trait"]);
                // A compiler detail of `derive(PartialEq)`, not an API.
                if name == "StructuralPartialEq" {
                    continue;
                }
                // `for` is the item itself (left out), or a reference to it or a type
                // built of it (`impl PartialEq<Name> for &str`).
                let for_type = self.type_of(&imp["for"]);
                let line = if at.rsplit("::").next() == Some(for_type.as_str()) {
                    format!("impl {negative}{name}")
                } else {
                    format!("impl {negative}{name} for {for_type}")
                };
                self.items.insert((line, at.to_owned()));
            }
        }
    }

    /// The name of a resolved path (its last segment) with its generic arguments.
    fn path_type(&self, path: &Value) -> String {
        let name = self
            .paths
            .get(&id_key(&path["id"]))
            .and_then(|p| p["path"].as_array())
            .and_then(|segments| segments.last())
            .and_then(Value::as_str)
            .map_or_else(
                || {
                    let written = path["path"].as_str().unwrap_or("?");
                    written.rsplit("::").next().unwrap_or(written).to_owned()
                },
                str::to_owned,
            );
        let mut text = name;
        if let Some(args) = path["args"]["angle_bracketed"]["args"].as_array() {
            let parts: Vec<String> = args
                .iter()
                .map(|arg| {
                    if let Some(t) = arg.get("type") {
                        self.type_of(t)
                    } else if let Some(l) = arg.get("lifetime") {
                        l.as_str().unwrap_or("'_").to_owned()
                    } else if let Some(c) = arg.get("const") {
                        c["expr"].as_str().unwrap_or("_").to_owned()
                    } else {
                        "_".to_owned()
                    }
                })
                .collect();
            if !parts.is_empty() {
                let _ = write!(text, "<{}>", parts.join(", "));
            }
        }
        text
    }

    /// A type as written in a signature, its paths by their last segment.
    fn type_of(&self, ty: &Value) -> String {
        let Some((kind, value)) = ty.as_object().and_then(|o| o.iter().next()) else {
            return ty.as_str().unwrap_or("_").to_owned();
        };
        match kind.as_str() {
            "resolved_path" => self.path_type(value),
            "primitive" | "generic" => value.as_str().unwrap_or("?").to_owned(),
            "borrowed_ref" => {
                let mutable = if value["is_mutable"].as_bool() == Some(true) {
                    "mut "
                } else {
                    ""
                };
                let lifetime = value["lifetime"]
                    .as_str()
                    .map_or_else(String::new, |l| format!("{l} "));
                format!("&{lifetime}{mutable}{}", self.type_of(&value["type"]))
            }
            "tuple" => {
                let parts: Vec<String> = value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|t| self.type_of(t))
                    .collect();
                format!("({})", parts.join(", "))
            }
            "slice" => format!("[{}]", self.type_of(value)),
            "array" => format!(
                "[{}; {}]",
                self.type_of(&value["type"]),
                value["len"].as_str().unwrap_or("_")
            ),
            other => other.to_owned(),
        }
    }
}

fn public_api() -> String {
    let doc = rustdoc_json();
    let index = doc["index"].as_object().expect("index");
    let paths = doc["paths"].as_object().expect("paths");
    let mut lister = Lister {
        index,
        paths,
        found: BTreeMap::new(),
        items: BTreeSet::new(),
    };
    let root = doc["root"].clone();
    lister
        .items
        .insert(("mod".to_owned(), "kpi_core".to_owned()));
    lister.module(&root, "kpi_core", &mut BTreeSet::new());
    let found = std::mem::take(&mut lister.found);
    for (id, at) in &found {
        // Members once, under the item's shortest path (then the first in order).
        let shortest = at
            .iter()
            .min_by_key(|p| (p.matches("::").count(), p.as_str()))
            .expect("an item has a path");
        lister.members(id, shortest);
    }
    let mut lines: Vec<String> = lister
        .items
        .into_iter()
        .map(|(kind, path)| {
            let kind = match kind.as_str() {
                "module" => "mod",
                "function" => "fn",
                "struct_field" | "field" => "field",
                "type_alias" | "assoc_type" => "type",
                "constant" | "assoc_const" => "const",
                other => other,
            };
            format!("{path} ({kind})")
        })
        .collect();
    lines.sort();
    lines.dedup();
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

#[test]
fn the_public_api_is_the_committed_list() {
    let listed = Path::new(env!("CARGO_MANIFEST_DIR")).join("public-api.txt");
    let now = public_api();
    if std::env::var_os("KPI_BLESS").is_some() {
        std::fs::write(&listed, &now).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&listed).unwrap_or_default();
    if committed == now {
        return;
    }
    let before: BTreeSet<&str> = committed.lines().collect();
    let after: BTreeSet<&str> = now.lines().collect();
    let mut diff = String::new();
    for line in after.difference(&before) {
        let _ = writeln!(diff, "+ {line}");
    }
    for line in before.difference(&after) {
        let _ = writeln!(diff, "- {line}");
    }
    panic!(
        "kpi-core's public API differs from kpi-core/public-api.txt:\n{diff}\n\
         If the change is meant, update the list with\n\
         \tKPI_BLESS=1 cargo test -p kpi-core --test public_api\n\
         and commit it."
    );
}
