//! `lading inventory classify` on the sample inventory and on broken ones.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(rel)
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lading")).args(args).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().expect("code"), String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
}

#[test]
fn the_sample_classifies_in_every_output_format() {
    let sample = repo("samples/inventory/offerings.csv");
    let sample = sample.to_str().expect("path");
    let dir = tempfile::tempdir().expect("tempdir");
    let html = dir.path().join("inventory.html");
    let (code, table, err) = run(&["inventory", "classify", sample, "--html", html.to_str().expect("path")]);
    assert_eq!(code, 0, "{err}");
    assert!(table.contains("LensCheck AOI (line 2): inspection-report (90%)"), "{table}");
    assert!(table.contains("gap: no model digest recorded → lading new inspection-report"), "{table}");
    assert!(table.contains("Factory Layout Consulting (line 10): out of scope"), "{table}");
    assert!(err.contains("columns kept but not read: owner"), "{err}");
    let page = std::fs::read_to_string(&html).expect("html");
    assert!(page.starts_with("<!doctype html>") && page.contains("LensCheck AOI") && !page.contains("<script"));

    let (code, out, _) = run(&["--json", "inventory", "classify", sample]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["offerings"].as_array().expect("offerings").len(), 10);
    assert_eq!(v["unknown_columns"][0], "owner");
    assert_eq!(v["offerings"][0]["kinds"][0]["ebops_2010"][0]["code"], "SJ313");
    assert_eq!(v["offerings"][0]["extra"]["owner"], "quality BU");

    let (code, csv, _) = run(&["inventory", "classify", sample, "--csv"]);
    assert_eq!(code, 0);
    assert!(csv.starts_with("name,line,kind,confidence,rule,"));
    assert!(csv.lines().any(|l| l.starts_with("Doc Translation Desk,11,out-of-scope")), "{csv}");
}

#[test]
fn broken_inventories_are_reported_by_line_and_column() {
    let malformed = repo("samples/inventory/malformed.csv");
    let (code, _, err) = run(&["inventory", "classify", malformed.to_str().expect("path")]);
    assert_eq!(code, 1);
    assert!(err.contains("malformed.csv:2:15: this quote is never closed"), "{err}");
    let json = repo("samples/inventory/malformed.json");
    let (code, _, err) = run(&["inventory", "classify", json.to_str().expect("path")]);
    assert_eq!(code, 1);
    assert!(err.contains("/1/name is missing"), "{err}");

    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let cases: [(&str, &[u8], &str); 4] = [
        ("missing.csv", b"name,outputs\nx,y\n", ":1:1: missing column \"description\""),
        ("latin1.csv", b"name,description\nCaf\xe9,x\n", ":2:4: not UTF-8"),
        ("fields.csv", b"name,description\na,b,c\n", ":2:3: 3 fields, the header has 2"),
        ("stray.csv", b"name,description\na\"b,c\n", ":2:2: a quote inside an unquoted field"),
    ];
    for (name, bytes, needle) in cases {
        std::fs::write(d.join(name), bytes).expect("write");
        let (code, _, err) = run(&["inventory", "classify", d.join(name).to_str().expect("path")]);
        assert_eq!(code, 1, "{name}");
        assert!(err.contains(needle), "{name}: {err}");
    }
    std::fs::write(d.join("bad-rules.toml"), "version = \"lading-inventory-rules/v9\"\n").expect("write");
    let (code, _, err) = run(&[
        "inventory",
        "classify",
        repo("samples/inventory/offerings.csv").to_str().expect("path"),
        "--rules",
        d.join("bad-rules.toml").to_str().expect("path"),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("bad-rules.toml"), "{err}");
}

/// The zh-CN inventory page holds no English outside what `lading_testkit::page_language`
/// exempts: the offerings' own names (data), rule ids, commands and country codes (code). Lading's
/// reference rules carry a Chinese title for every kind and a Chinese wording of every gap.
#[test]
fn the_chinese_inventory_page_holds_no_english() {
    let sample = repo("samples/inventory/offerings.csv");
    let sample = sample.to_str().expect("path");
    let dir = tempfile::tempdir().expect("tempdir");
    let html = dir.path().join("zh.html");
    let (code, _, err) =
        run(&["inventory", "classify", sample, "--html", html.to_str().expect("path"), "--lang", "zh-CN"]);
    assert_eq!(code, 0, "{err}");
    let page = std::fs::read_to_string(&html).expect("html");
    assert!(page.contains("lang=\"zh-CN\"") && page.contains("服务清单") && page.contains("未记录模型摘要"), "{page}");
    let (_, out, _) = run(&["--json", "inventory", "classify", sample]);
    let v: Value = serde_json::from_str(&out).expect("json");
    let names: Vec<String> = v["offerings"]
        .as_array()
        .expect("offerings")
        .iter()
        .map(|o| o["name"].as_str().expect("name").to_owned())
        .chain([sample.to_owned()])
        .collect();
    let english = lading_testkit::page_language::english_in(&page, &names);
    assert!(english.is_empty(), "English on the zh-CN page:\n{}", english.join("\n"));
}
