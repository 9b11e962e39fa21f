//! `lading release pack|verify|diff|history` exit codes and messages.

use std::path::Path;

/// Exit code, stdout and stderr of `lading ARGS` in `dir` (a panic fails the test).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    lading_testkit::cli::Lading::new(env!("CARGO_BIN_EXE_lading"), dir).run(args)
}

const FLAGS: [&str; 16] = [
    "--provider",
    "Example Cloud",
    "--registration-id",
    "91440300X",
    "--availability",
    "99.9",
    "--support-hours",
    "24x7",
    "--data-location",
    "DE",
    "--region",
    "eu",
    "--source-repo",
    "https://git.example.invalid/svc",
    "--commit",
    "4f1c2d9",
];

fn pack(d: &Path, tree: &str, version: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["release", "pack", tree, "--name", "svc", "--version", version, "--key", "k.key", "--out"];
    let out = format!("{tree}.lading");
    args.push(&out);
    args.extend(FLAGS);
    args.extend(extra);
    run(d, &args)
}

#[test]
fn pack_verify_diff_history() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    assert_eq!(run(d, &["key", "generate", "--out", "k"]).0, 0);
    std::fs::create_dir_all(d.join("v1/bin")).expect("mkdir");
    std::fs::write(d.join("v1/bin/app"), "one").expect("write");
    let (code, out, err) = pack(d, "v1", "1.0.0", &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("packed svc 1.0.0: 1 files, 1 directories"), "{out}");
    std::fs::create_dir_all(d.join("v2/bin")).expect("mkdir");
    std::fs::write(d.join("v2/bin/app"), "two").expect("write");
    assert_eq!(pack(d, "v2", "1.1.0", &["--previous", "v1.lading"]).0, 0);

    let (code, out, _) = run(d, &["release", "verify", "v2.lading", "--dir", "v2", "--pubkey", "k.pub"]);
    assert_eq!(code, 0, "{out}");
    let (code, out, err) = run(d, &["release", "verify", "v2.lading", "--dir", "v1", "--pubkey", "k.pub"]);
    assert_eq!(code, 1);
    assert!(out.contains("modified  bin/app") && err.contains("FAIL"), "{out}{err}");
    let (code, out, _) = run(d, &["release", "diff", "v1.lading", "v2.lading", "--pubkey", "k.pub"]);
    assert_eq!(code, 0);
    assert!(out.contains("file changed  bin/app"), "{out}");
    let (code, out, _) = run(d, &["release", "history", "v2.lading", "v1.lading", "--pubkey", "k.pub"]);
    assert_eq!(code, 0);
    assert!(out.contains("OK: 2 releases form one chain"), "{out}");
    let (code, _, err) = run(d, &["release", "history", "v2.lading", "--pubkey", "k.pub"]);
    assert_eq!(code, 0, "{err}");

    // Refusals: no increase, a previous release by another key, a missing SBOM.
    let (code, _, err) = pack(d, "v2", "1.0.0", &["--previous", "v1.lading"]);
    assert_eq!(code, 1);
    assert!(err.contains("does not increase"), "{err}");
    assert_eq!(run(d, &["key", "generate", "--out", "other"]).0, 0);
    let (code, _, err) = run(d, &["release", "verify", "v2.lading", "--dir", "v2", "--pubkey", "other.pub"]);
    assert_eq!(code, 1);
    assert!(err.contains("v2.lading"), "{err}");
    let (code, _, err) = pack(d, "v2", "1.2.0", &["--sbom", "v2/none.json"]);
    assert_eq!(code, 1);
    assert!(err.contains("none.json"), "{err}");
    std::fs::write(d.join("not-a-package.lading"), "PK\u{3}\u{4}junk").expect("write");
    let (code, _, err) = run(d, &["release", "diff", "not-a-package.lading", "v2.lading", "--pubkey", "k.pub"]);
    assert_eq!(code, 1);
    assert!(err.contains("not-a-package.lading"), "{err}");
}
