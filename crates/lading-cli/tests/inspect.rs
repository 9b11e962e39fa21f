//! `lading inspect plan|sample` through the binary: ISO 2859-1 plans as the
//! standard's tables give them, and a repeatable draw of the sample.

use std::process::Command;

use serde_json::Value;

fn lading(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lading")).args(args).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().expect("code"), String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
}

#[test]
fn plans_come_from_the_standards_tables() {
    let (code, out, err) = lading(&["--json", "inspect", "plan", "--lot-size", "1000", "--aql", "0.65,2.5"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(out.trim()).expect("json");
    assert_eq!(v["code_letter"], "J");
    let plans: Vec<(u64, u64, u64)> = v["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .map(|p| {
            (
                p["sample_size"].as_u64().expect("n"),
                p["accept"].as_u64().expect("ac"),
                p["reject"].as_u64().expect("re"),
            )
        })
        .collect();
    assert_eq!(plans, [(80, 1, 2), (80, 5, 6)]);
    // Tightened and reduced, and a lot smaller than the plan's sample.
    let (_, out, _) =
        lading(&["--json", "inspect", "plan", "--lot-size", "2000", "--aql", "4.0", "--severity", "tightened"]);
    let v: Value = serde_json::from_str(out.trim()).expect("json");
    assert_eq!((v["code_letter"].as_str(), v["plans"][0]["accept"].as_u64()), (Some("K"), Some(8)));
    let (_, out, _) = lading(&["--json", "inspect", "plan", "--lot-size", "10", "--aql", "0.010"]);
    let v: Value = serde_json::from_str(out.trim()).expect("json");
    assert_eq!((v["plans"][0]["sample_size"].as_u64(), v["plans"][0]["whole_lot"].as_bool()), (Some(10), Some(true)));
    // Bad input names the flag.
    for (args, wanted) in [
        (vec!["inspect", "plan", "--lot-size", "1", "--aql", "1.0"], "--lot-size"),
        (vec!["inspect", "plan", "--lot-size", "100", "--aql", "3"], "preferred AQLs"),
        (vec!["inspect", "sample", "--lot-size", "100", "--sample-size", "5", "--seed", "xyz"], "--seed"),
    ] {
        let (code, _, err) = lading(&args);
        assert!(code != 0 && err.contains(wanted), "{args:?}: {err}");
    }
}

#[test]
fn the_sample_is_drawn_repeatably_from_the_seed() {
    // Seed "lot-42" as hex; the positions an independent implementation of the documented draw gives.
    let (code, out, err) =
        lading(&["inspect", "sample", "--lot-size", "1000", "--sample-size", "5", "--seed", "6c6f742d3432"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "109 447 800 802 940");
}
