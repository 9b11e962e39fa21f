//! `--json` everywhere: every command, whether it succeeds, answers no, is
//! given bad input or a wrong command line, prints exactly one JSON object
//! on stdout, and that object's `ok` is a boolean that is true exactly when
//! the exit code is 0.
//!
//! The commands run against the files `lading demo --keep` writes, so the
//! audit covers real logs, bundles, keys and reports rather than fixtures
//! made for it. Long-running commands (`serve`, `bench`, `demo --serve`)
//! are covered by their own tests.

use std::path::Path;

use lading_testkit::cli::Lading;

/// Runs `lading --json ARGS` and checks the contract: the exit code and the
/// one object, or what is wrong with the output.
fn audit(lading: &Lading, args: &[&str]) -> Result<(i32, serde_json::Value), String> {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = lading.run(&all);
    let values: Vec<serde_json::Value> = serde_json::Deserializer::from_str(&stdout)
        .into_iter()
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{args:?}: stdout is not JSON ({e}): {stdout:.300}"))?;
    let [value] = <[serde_json::Value; 1]>::try_from(values)
        .map_err(|v| format!("{args:?}: {} JSON values on stdout, not one: {stdout:.300}{stderr:.300}", v.len()))?;
    if !value.is_object() {
        return Err(format!("{args:?}: the JSON value is not an object: {value}"));
    }
    let ok = value.get("ok").and_then(serde_json::Value::as_bool);
    if ok != Some(code == 0) {
        return Err(format!(
            "{args:?}: `ok` is {:?} with exit code {code}: {:.300}",
            value.get("ok"),
            value.to_string()
        ));
    }
    Ok((code, value))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write a test file");
    path.to_str().expect("a UTF-8 path").to_owned()
}

#[test]
fn every_command_prints_one_json_object_whose_ok_matches_the_exit_code() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let demo = tmp.path().join("demo");
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).expect("out dir");
    let bin = env!("CARGO_BIN_EXE_lading");
    let lading = Lading::new(bin, tmp.path());
    audit(&lading, &["demo", "--keep", demo.to_str().expect("utf-8")]).expect("the demo runs under --json");
    let lading = Lading::new(bin, &demo);
    let o = |name: &str| out.join(name).to_str().expect("utf-8").to_owned();

    let garbage = write(&out, "garbage.json", b"{\"a\": [1, 2,");
    let tampered = {
        let mut bundle = std::fs::read(demo.join("trust/evidence.lading")).expect("the demo bundle");
        let middle = bundle.len() / 2;
        bundle[middle] ^= 0x55;
        write(&out, "tampered.lading", &bundle)
    };

    // Commands that succeed on the demo's files.
    let succeed: Vec<Vec<String>> = vec![
        vec!["key".into(), "show".into(), "provider-sm2.pub".into()],
        vec!["key".into(), "generate".into(), "--alg".into(), "ed25519".into(), "--out".into(), o("k")],
        vec!["new".into(), "inspection-report".into(), "--id".into(), "7c1f2a3b-0000-4000-8000-000000000001".into()],
        vec!["schema".into(), "saas-release".into()],
        vec!["validate".into(), "inspection-report.json".into()],
        vec!["canonicalize".into(), "inspection-report.json".into()],
        vec![
            "sign".into(),
            "inspection-report.json".into(),
            "--key".into(),
            "provider-p256.key".into(),
            "--out".into(),
            o("r.dsse.json"),
        ],
        vec![
            "verify-signature".into(),
            "inspection-report.p256.dsse.json".into(),
            "--pubkey".into(),
            "provider-p256.pub".into(),
        ],
        vec!["sigstore-bundle".into(), "inspection-report.p256.dsse.json".into(), "--out".into(), o("r.sigstore.json")],
        vec!["log".into(), "checkpoint".into(), "trust/registry-log".into()],
        vec!["log".into(), "get".into(), "trust/registry-log".into(), "--index".into(), "1".into()],
        vec!["log".into(), "prove".into(), "trust/registry-log".into(), "--index".into(), "1".into()],
        vec!["log".into(), "consistency".into(), "trust/registry-log".into(), "--from".into(), "1".into()],
        vec!["trust-list".into(), "show".into(), "trust/white-list.json".into()],
        vec!["inspect".into(), "plan".into(), "--lot-size".into(), "500".into(), "--aql".into(), "1.0".into()],
        vec![
            "inspect".into(),
            "sample".into(),
            "--lot-size".into(),
            "500".into(),
            "--sample-size".into(),
            "50".into(),
            "--seed".into(),
            "07".into(),
        ],
        vec!["inspect".into(), "render".into(), "inspection/report.json".into(), "--out".into(), o("report.html")],
        vec!["verify".into(), "trust/evidence.lading".into(), "--policy".into(), "trust/policy.json".into()],
        vec!["maint".into(), "hold".into(), "list".into(), "fleet-example-de".into(), "--data".into(), "maint".into()],
        vec!["completions".into(), "bash".into()],
        vec!["man".into(), "--markdown".into()],
        vec![
            "pki".into(),
            "init-ca".into(),
            "--key".into(),
            "provider-p256.key".into(),
            "--subject".into(),
            "CN=Audit Root".into(),
            "--out".into(),
            o("root.pem"),
        ],
    ];
    let mut wrong = Vec::new();
    for args in &succeed {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        match audit(&lading, &args) {
            Ok((0, _)) => {}
            Ok((code, value)) => {
                wrong.push(format!("{args:?} should succeed on the demo's files, exit {code}: {value}"))
            }
            Err(e) => wrong.push(e),
        }
    }

    // Commands that answer no, refuse input, or are called wrongly.
    let fail: Vec<Vec<String>> = vec![
        vec!["validate".into(), garbage.clone()],
        vec!["canonicalize".into(), garbage.clone()],
        vec!["key".into(), "show".into(), o("no-such.pub")],
        vec![
            "verify-signature".into(),
            "inspection-report.p256.dsse.json".into(),
            "--pubkey".into(),
            "provider-ed25519.pub".into(),
        ],
        vec!["verify".into(), tampered, "--policy".into(), "trust/policy.json".into()],
        vec!["verify".into(), "trust/evidence.lading".into(), "--policy".into(), garbage.clone()],
        vec!["log".into(), "get".into(), "trust/registry-log".into(), "--index".into(), "999999".into()],
        vec!["log".into(), "checkpoint".into(), o("no-such-log")],
        vec!["trust-list".into(), "show".into(), garbage],
        vec!["inspect".into(), "plan".into(), "--lot-size".into(), "0".into(), "--aql".into(), "1.0".into()],
        vec!["no-such-command".into()],
        vec!["sign".into(), "inspection-report.json".into()],
        vec!["log".into(), "get".into(), "trust/registry-log".into(), "--index".into(), "minus-one".into()],
    ];
    for args in &fail {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        match audit(&lading, &args) {
            Ok((0, value)) => wrong.push(format!("{args:?} should fail: {value}")),
            // A refusal says why: an error, or the checks (verify) or findings (validate) that failed.
            Ok((_, value)) if ["error", "reason", "checks", "files"].iter().all(|k| value.get(k).is_none()) => {
                wrong.push(format!("{args:?} fails without saying why: {value}"));
            }
            Ok(_) => {}
            Err(e) => wrong.push(e),
        }
    }
    assert!(wrong.is_empty(), "--json contract broken by {} command(s):\n{}", wrong.len(), wrong.join("\n"));
}
