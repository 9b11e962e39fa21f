//! The role guides in `docs/guides/` are journeys a reader types in; this
//! test types them in. Every fenced block whose info string is `sh test`
//! runs, in the order of the page, with `bash -euo pipefail` in one fresh
//! temporary directory per guide, with the built `lading` first on `PATH` and
//! the repository's `samples`, `models`, `profiles` and `rules` linked into
//! that directory (the set-up `docs/guides/README.md` asks of a reader).
//! A failure names the guide, the block (its line in the page) and the
//! failing command's stderr. Plain `sh` blocks (a server that runs until
//! stopped, a PostgreSQL deployment) are not run.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The fence info string that marks a block to run.
const MARKER: &str = "sh test";

/// The repository's folders a guide reads from (linked, never written).
const LINKED: [&str; 4] = ["samples", "models", "profiles", "rules"];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repository root")
}

/// One tested block: the line of its opening fence and its text.
#[derive(Debug, PartialEq)]
struct Block {
    line: usize,
    text: String,
}

/// The `sh test` blocks of a Markdown page, in order. A fence left open is
/// an error, so a broken page cannot silently run fewer blocks.
fn tested_blocks(page: &str) -> Result<Vec<Block>, String> {
    let mut blocks = Vec::new();
    // (the opening fence's line, whether it is tested, its fence, the text so far)
    let mut open: Option<(usize, bool, String, String)> = None;
    for (n, line) in page.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut open {
            None => {
                if let Some(rest) = trimmed.strip_prefix("```") {
                    let fence_len = 3 + rest.chars().take_while(|c| *c == '`').count();
                    let info = trimmed[fence_len..].trim();
                    open = Some((n + 1, info == MARKER, "`".repeat(fence_len), String::new()));
                }
            }
            Some((start, tested, fence, text)) => {
                if trimmed.starts_with(fence.as_str()) && trimmed.trim_start_matches('`').trim().is_empty() {
                    if *tested {
                        blocks.push(Block { line: *start, text: std::mem::take(text) });
                    }
                    open = None;
                } else {
                    text.push_str(line);
                    text.push('\n');
                }
            }
        }
    }
    match open {
        Some((start, ..)) => Err(format!("the fence opened at line {start} is never closed")),
        None => Ok(blocks),
    }
}

/// Runs every tested block of `docs/guides/NAME.md`; panics naming the
/// guide, the block and the failing command's output.
fn run_guide(name: &str) {
    let repo = repo();
    let page_path = repo.join("docs/guides").join(format!("{name}.md"));
    let page = std::fs::read_to_string(&page_path).expect("read the guide");
    let blocks = tested_blocks(&page).unwrap_or_else(|e| panic!("docs/guides/{name}.md: {e}"));
    assert!(!blocks.is_empty(), "docs/guides/{name}.md has no ```{MARKER} block: its journey is not tested");

    let dir = tempfile::tempdir().expect("temp dir");
    for folder in LINKED {
        std::os::unix::fs::symlink(repo.join(folder), dir.path().join(folder)).expect("link a repository folder");
    }
    let bin = Path::new(env!("CARGO_BIN_EXE_lading")).parent().expect("the binary's directory").to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .expect("PATH");

    for (i, block) in blocks.iter().enumerate() {
        let out = Command::new("bash")
            // -x traces each command to stderr, so the last traced line names the one that failed.
            .args(["-x", "-euo", "pipefail", "-c", &block.text])
            .current_dir(dir.path())
            .env("PATH", &path)
            .env("LC_ALL", "C")
            .output()
            .expect("run bash");
        if !out.status.success() {
            panic!(
                "docs/guides/{name}.md, block {} of {} (line {}) failed with {}:\n--- block ---\n{}--- stderr ---\n{}--- stdout (last 40 lines) ---\n{}",
                i + 1,
                blocks.len(),
                block.line,
                out.status,
                block.text,
                String::from_utf8_lossy(&out.stderr),
                tail(&String::from_utf8_lossy(&out.stdout), 40),
            );
        }
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n") + "\n"
}

#[test]
fn provider_guide() {
    run_guide("provider");
}

#[test]
fn certification_body_guide() {
    run_guide("certification-body");
}

#[test]
fn authority_guide() {
    run_guide("authority");
}

#[test]
fn client_guide() {
    run_guide("client");
}

#[test]
fn operator_guide() {
    run_guide("operator");
}

#[test]
fn remote_guide() {
    run_guide("remote");
}

#[test]
fn monitor_guide() {
    run_guide("monitor");
}

/// Every guide in `docs/guides/` has a test above, and the index names the marker.
#[test]
fn every_guide_is_run() {
    let tested = ["provider", "certification-body", "authority", "client", "operator", "remote", "monitor"];
    let dir = repo().join("docs/guides");
    let mut guides: Vec<String> = std::fs::read_dir(&dir)
        .expect("docs/guides")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter_map(|f| f.strip_suffix(".md").map(str::to_owned))
        .filter(|f| f != "README")
        .collect();
    guides.sort();
    let mut expected: Vec<String> = tested.iter().map(|s| (*s).to_owned()).collect();
    expected.sort();
    assert_eq!(guides, expected, "a guide in docs/guides/ without a test here (or a test without its guide)");
    let index = std::fs::read_to_string(dir.join("README.md")).expect("docs/guides/README.md");
    assert!(index.contains(&format!("```{MARKER}")), "docs/guides/README.md must document the ```{MARKER} marker");
}

#[test]
fn blocks_are_found_in_order_and_open_fences_refused() {
    let page = "text\n```sh test\necho one\n```\n```sh\nnot run\n```\n````sh test\necho ```\necho two\n````\n";
    let blocks = tested_blocks(page).expect("well-formed page");
    assert_eq!(
        blocks,
        vec![Block { line: 2, text: "echo one\n".into() }, Block { line: 8, text: "echo ```\necho two\n".into() }]
    );
    assert!(tested_blocks("```sh test\necho never closed\n").is_err());
}
