//! ARCHITECTURE.md's crate graph is the real one: the `crate-graph` block
//! lists every workspace crate with exactly its normal (non-dev)
//! dependencies on other workspace crates, as `cargo metadata` reports them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The graph `cargo metadata --no-deps` reports for the workspace.
fn cargo_graph(root: &Path) -> Graph {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(root)
        .output()
        .expect("run cargo metadata");
    assert!(out.status.success(), "cargo metadata failed: {}", String::from_utf8_lossy(&out.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("cargo metadata JSON");
    let packages = meta["packages"].as_array().expect("packages");
    let names: BTreeSet<String> = packages.iter().filter_map(|p| p["name"].as_str()).map(str::to_owned).collect();
    packages
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|d| d["kind"].is_null())
                .filter_map(|d| d["name"].as_str())
                .filter(|n| names.contains(*n))
                .map(str::to_owned)
                .collect();
            (p["name"].as_str().unwrap_or_default().to_owned(), deps)
        })
        .collect()
}

/// The graph the `crate-graph` block of ARCHITECTURE.md draws: `crate -> a, b`.
fn documented_graph(text: &str) -> Graph {
    const OPEN: &str = "```text crate-graph\n";
    let start = text.find(OPEN).expect("ARCHITECTURE.md has a ```text crate-graph block") + OPEN.len();
    let end = text[start..].find("```").expect("the crate-graph block is closed") + start;
    text[start..end]
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (name, deps) = l.split_once("->").unwrap_or_else(|| panic!("line without ->: {l:?}"));
            let deps = deps.split(',').map(str::trim).filter(|d| !d.is_empty()).map(str::to_owned).collect();
            (name.trim().to_owned(), deps)
        })
        .collect()
}

#[test]
fn architecture_md_lists_the_real_crate_graph() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let text = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("read ARCHITECTURE.md");
    let (real, documented) = (cargo_graph(&root), documented_graph(&text));
    let mut problems = Vec::new();
    for (name, deps) in &real {
        match documented.get(name) {
            None => problems.push(format!("{name} is missing from the graph")),
            Some(d) if d != deps => problems.push(format!(
                "{name}: the graph says -> {}, Cargo.toml says -> {}",
                d.iter().cloned().collect::<Vec<_>>().join(", "),
                deps.iter().cloned().collect::<Vec<_>>().join(", ")
            )),
            Some(_) => {}
        }
    }
    for name in documented.keys().filter(|n| !real.contains_key(*n)) {
        problems.push(format!("{name} is in the graph but not in the workspace"));
    }
    assert!(problems.is_empty(), "ARCHITECTURE.md's crate graph is out of date:\n{}", problems.join("\n"));
    assert!(text.len() <= 9_000, "ARCHITECTURE.md is {} bytes: keep it short (about 8 KB at most)", text.len());
}
