//! `lading maint …` end to end through the binary: streams fed from JSON
//! Lines and syslog, batches refused whole, duplicates and clock order,
//! segments exported and verified, and every tampering case failing.

use std::path::Path;
use std::process::Command;

use lading_model::Sha256Digest;
use lading_model::bundle::Package;
use serde_json::Value;

fn samples() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/maint")
}

/// Exit code, stdout and stderr of `lading ARGS` in `dir` (a panic fails the test).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    lading_testkit::cli::Lading::new(env!("CARGO_BIN_EXE_lading"), dir).run(args)
}

fn json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let mut a = args.to_vec();
    a.push("--json");
    let (code, out, err) = run(dir, &a);
    let v = serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    (code, v)
}

fn sample(name: &str) -> String {
    samples().join(name).to_string_lossy().into_owned()
}

/// A stream `s` in `d/data` with the sample JSONL (28 events) and syslog (7) ingested.
fn stream_with_events(d: &Path) {
    assert_eq!(run(d, &["key", "generate", "--out", "k"]).0, 0);
    let (code, out, err) = run(
        d,
        &[
            "maint",
            "stream",
            "create",
            "s",
            "--data",
            "data",
            "--key",
            "k.key",
            "--provider",
            "Suzhou Example Cloud Operations Co., Ltd.",
            "--registration-id",
            "91320500MA1EXAMPLE",
            "--jurisdiction",
            "DE",
        ],
    );
    assert_eq!(code, 0, "{err}");
    std::fs::write(d.join("vkey"), out).expect("vkey");
    let (code, v) = json(d, &["maint", "ingest", "s", &sample("events.jsonl"), "--data", "data", "--format", "jsonl"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        (v["accepted"].as_u64(), v["first_sequence"].as_u64(), v["last_sequence"].as_u64()),
        (Some(28), Some(0), Some(27))
    );
    let (code, v) = json(d, &["maint", "ingest", "s", &sample("syslog.log"), "--data", "data", "--format", "syslog"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["first_sequence"].as_u64(), Some(28));
}

fn size(d: &Path) -> u64 {
    let (code, v) = json(d, &["log", "checkpoint", "data/streams/s"]);
    assert_eq!(code, 0, "{v}");
    v["size"].as_u64().expect("size")
}

#[test]
fn ingest_export_verify() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    stream_with_events(d);
    assert_eq!(size(d), 35);

    // By sequence numbers, then by time: the syslog events of 2026-11-22 from 08:05 to before 08:20.
    let (code, v) =
        json(d, &["maint", "export", "s", "--data", "data", "--from", "5", "--to", "30", "--out", "a.lading"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!((v["first_sequence"].as_u64(), v["last_sequence"].as_u64()), (Some(5), Some(29)));
    let (code, v) = json(
        d,
        &[
            "maint",
            "export",
            "s",
            "--data",
            "data",
            "--from",
            "2026-11-22T08:05:00Z",
            "--to",
            "2026-11-22T08:20:00Z",
            "--out",
            "b.lading",
        ],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!((v["first_sequence"].as_u64(), v["last_sequence"].as_u64()), (Some(29), Some(31)));

    let (code, out, _) = run(d, &["maint", "verify", "a.lading", "--vkey", "vkey"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("exactly leaves [5, 30) of the log at size 35") && out.contains("VERIFIED"), "{out}");
    assert!(out.contains("firmware.update"), "the timeline lists the events: {out}");
    let (code, v) = json(d, &["maint", "verify", "b.lading", "--vkey", "vkey"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["timeline"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["timeline"][0]["actor"], "svc-remote-ops");

    // Another log's key does not verify it.
    assert_eq!(run(d, &["key", "generate", "--out", "other"]).0, 0);
    let (code, out, _) = run(d, &["log", "init", "otherlog", "--origin", "lading.local/maint/s", "--key", "other.key"]);
    assert_eq!(code, 0);
    let (code, v) = json(d, &["maint", "verify", "a.lading", "--vkey", out.trim()]);
    assert_eq!(code, 1);
    assert_eq!(status(&v, "checkpoint signature"), "fail", "{v}");

    // Out of range and bad bounds are errors, not empty segments.
    let (code, _, err) =
        run(d, &["maint", "export", "s", "--data", "data", "--from", "30", "--to", "99", "--out", "x.lading"]);
    assert_eq!(code, 1);
    assert!(err.contains("no events in [30, 99)"), "{err}");
    let (code, _, err) =
        run(d, &["maint", "export", "s", "--data", "data", "--from", "yesterday", "--out", "x.lading"]);
    assert_eq!(code, 1);
    assert!(err.contains("neither a sequence number nor an RFC 3339 time"), "{err}");
    assert!(!d.join("x.lading").exists());

    // OTLP logs as the Collector's file exporter writes them: one request of 4 records.
    let (code, v) =
        json(d, &["maint", "ingest", "s", &sample("otlp.jsonl"), "--data", "data", "--format", "otlp-json"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!((v["accepted"].as_u64(), v["first_sequence"].as_u64()), (Some(4), Some(35)));
    assert_eq!(run(d, &["maint", "export", "s", "--data", "data", "--from", "35", "--out", "o.lading"]).0, 0);
    let (code, v) = json(d, &["maint", "verify", "o.lading", "--vkey", "vkey"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["timeline"][2]["action"], "drive.reset");
    assert_eq!(v["timeline"][2]["asset"], "robot-0023");
    std::fs::write(d.join("bad-otlp.jsonl"), "{\"resourceLogs\": [{\"scopeLogs\": [{\"logRecords\": [{}]}]}]}\n")
        .expect("write");
    let (code, v) = json(d, &["maint", "ingest", "s", "bad-otlp.jsonl", "--data", "data", "--format", "otlp-json"]);
    assert_eq!(code, 1);
    assert_eq!(v["errors"][0]["pointer"], "/resourceLogs/0/scopeLogs/0/logRecords/0", "{v}");
}

fn status<'a>(v: &'a Value, check: &str) -> &'a str {
    v["checks"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["name"] == check))
        .and_then(|c| c["status"].as_str())
        .unwrap_or("missing")
}

#[test]
fn bad_batches_are_refused_whole_and_reported_by_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    stream_with_events(d);
    let malformed = sample("malformed.jsonl");
    let (code, v) = json(d, &["maint", "ingest", "s", &malformed, "--data", "data", "--format", "jsonl"]);
    assert_eq!(code, 1);
    assert_eq!(
        (v["accepted"].as_u64(), v["rejected"].as_u64(), v["batch_refused"].as_bool()),
        (Some(0), Some(4), Some(true)),
        "{v}"
    );
    let errors = v["errors"].as_array().expect("errors");
    // Line 1 is a copy of an event already ingested; 2 is not JSON; 3 fails the schema; 4 reuses line 1's id.
    assert_eq!(errors.iter().map(|e| e["line"].as_u64().unwrap_or(0)).collect::<Vec<_>>(), [1, 2, 3, 4]);
    assert!(errors[0]["reason"].as_str().unwrap_or("").contains("already in the stream"), "{v}");
    assert!(errors[1]["reason"].as_str().unwrap_or("").contains("not JSON"), "{v}");
    assert_eq!(errors[2]["pointer"], "/category", "{v}");
    assert!(errors[3]["reason"].as_str().unwrap_or("").contains("already in the stream"), "{v}");
    assert_eq!(size(d), 35, "nothing was appended");

    // Per-line mode appends what passes and names the rest.
    std::fs::write(
        d.join("mixed.jsonl"),
        std::fs::read_to_string(samples().join("events.jsonl"))
            .expect("read")
            .lines()
            .take(2)
            .map(|l| l.replace("evt-0000", "new-0000").replace("2026-11-20", "2026-11-23"))
            .chain(["{\"not\": \"an event\"}".to_owned()])
            .collect::<Vec<_>>()
            .join("\n"),
    )
    .expect("write");
    let (code, v) =
        json(d, &["maint", "ingest", "s", "mixed.jsonl", "--data", "data", "--format", "jsonl", "--per-line"]);
    assert_eq!(code, 1, "a rejected line still makes the exit non-zero");
    assert_eq!(
        (v["accepted"].as_u64(), v["rejected"].as_u64(), v["first_sequence"].as_u64()),
        (Some(2), Some(1), Some(35)),
        "{v}"
    );
    assert_eq!(v["errors"][0]["line"], 3);
    assert_eq!(size(d), 37);

    // A line that is not UTF-8 is refused alone under --per-line, and a NUL
    // (JSON \u0000) is refused wherever it is, with the field's pointer.
    let mut bytes = Vec::new();
    for (i, line) in std::fs::read_to_string(samples().join("events.jsonl")).expect("read").lines().take(2).enumerate()
    {
        let line = line.replace("evt-0000", "utf-0000").replace("2026-11-20", "2026-11-24");
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        if i == 0 {
            bytes.extend_from_slice(b"{\"text\": \"caf\xe9\"}\n");
            bytes.extend_from_slice(
                line.replace("utf-00001", "utf-nul").replace("\"action\":\"", "\"action\":\"\\u0000").as_bytes(),
            );
            bytes.push(b'\n');
        }
    }
    std::fs::write(d.join("latin1.jsonl"), &bytes).expect("write");
    let (code, v) =
        json(d, &["maint", "ingest", "s", "latin1.jsonl", "--data", "data", "--format", "jsonl", "--per-line"]);
    assert_eq!(code, 1);
    assert_eq!((v["accepted"].as_u64(), v["rejected"].as_u64()), (Some(2), Some(2)), "{v}");
    assert_eq!(v["errors"][0]["line"], 2, "{v}");
    assert_eq!(v["errors"][0]["reason"], "not UTF-8 (byte 14 of the line)", "{v}");
    assert_eq!(v["errors"][1]["line"], 3, "{v}");
    assert_eq!(v["errors"][1]["pointer"], "/action", "{v}");
    assert_eq!(size(d), 39);

    // An event far older than the stream's latest is out of order (tolerance 5 s).
    std::fs::write(
        d.join("late.jsonl"),
        std::fs::read_to_string(samples().join("events.jsonl"))
            .expect("read")
            .lines()
            .next()
            .expect("line")
            .replace("evt-000001", "late-1"),
    )
    .expect("write");
    let (code, v) = json(d, &["maint", "ingest", "s", "late.jsonl", "--data", "data", "--format", "jsonl"]);
    assert_eq!(code, 1);
    assert_eq!(v["errors"][0]["pointer"], "/occurred_at", "{v}");
    assert!(v["errors"][0]["reason"].as_str().unwrap_or("").contains("clock tolerance is 5000 ms"), "{v}");

    // A sequence number in the input is refused: the log assigns them.
    std::fs::write(d.join("seq.jsonl"), "{\"sequence\": 3}\n").expect("write");
    let (code, v) = json(d, &["maint", "ingest", "s", "seq.jsonl", "--data", "data", "--format", "jsonl"]);
    assert_eq!(code, 1);
    assert_eq!(v["errors"][0]["pointer"], "/sequence");

    // Syslog that is not RFC 5424 names the line and column.
    std::fs::write(d.join("bad.log"), "Oct 11 22:14:15 mymachine su: failed\n").expect("write");
    let (code, v) = json(d, &["maint", "ingest", "s", "bad.log", "--data", "data", "--format", "syslog"]);
    assert_eq!(code, 1);
    assert!(v["errors"][0]["reason"].as_str().unwrap_or("").contains("column 1"), "{v}");

    // The event index is derived: deleted, it is rebuilt from the log, and duplicates are still caught:
    // the same file again is answered as stored (nothing appended), the same ids with other content refused.
    std::fs::remove_file(d.join("data/streams/s/events.sqlite")).expect("rm");
    let (code, v) = json(d, &["maint", "ingest", "s", &sample("syslog.log"), "--data", "data", "--format", "syslog"]);
    assert_eq!((code, &v["accepted"], &v["rejected"]), (0, &serde_json::json!(0), &serde_json::json!(0)), "{v}");
    let altered = std::fs::read_to_string(sample("syslog.log")).expect("sample").replacen("success", "failure", 1);
    std::fs::write(d.join("altered.log"), altered).expect("write");
    let (code, v) = json(d, &["maint", "ingest", "s", "altered.log", "--data", "data", "--format", "syslog"]);
    assert_eq!(code, 1);
    assert!(v["errors"][0]["reason"].as_str().unwrap_or("").contains("already in the stream"), "{v}");
    assert_eq!(size(d), 39);
}

/// Rewrites a segment package as a careful forger would: the events changed
/// by `edit`, and `segment.json` and `bundle.json` made consistent with them
/// (count, last sequence, Merkle root, member digests), so only what the
/// forger cannot recompute — the signed checkpoint — stands in the way.
fn forge(d: &Path, src: &str, dst: &str, edit: impl FnOnce(&mut Vec<String>)) {
    let mut p = Package::from_zip(&std::fs::read(d.join(src)).expect("read")).expect("package");
    let pos = |p: &Package, role: &str| p.index.members.iter().position(|m| m.role == role).expect(role);
    let (ei, si) = (pos(&p, "events"), pos(&p, "manifest"));
    let mut lines: Vec<String> =
        String::from_utf8(p.files[ei].clone()).expect("utf8").lines().map(str::to_owned).collect();
    edit(&mut lines);
    let leaves: Vec<_> = lines.iter().map(|l| lading_tlog::leaf_hash(l.as_bytes())).collect();
    let root = lading_tlog::root_from_range_proof(0, &leaves, leaves.len() as u64, &[]).expect("root");
    let mut seg: Value = serde_json::from_slice(&p.files[si]).expect("segment");
    let first = seg["first_sequence"].as_u64().expect("first");
    seg["event_count"] = Value::from(lines.len() as u64);
    seg["last_sequence"] = Value::from(first + lines.len() as u64 - 1);
    seg["merkle_root"] = Value::from(root.to_hex());
    p.files[si] = lading_model::json::canonicalize(&seg);
    p.files[ei] = lines.iter().map(|l| format!("{l}\n")).collect::<String>().into_bytes();
    for i in [ei, si] {
        p.index.members[i].sha256 = Sha256Digest::of(&p.files[i]);
        p.index.members[i].size = p.files[i].len() as u64;
    }
    std::fs::write(d.join(dst), p.to_zip().expect("zip")).expect("write");
}

/// A forger's change to the lines of `events.jsonl`.
type Edit = Box<dyn FnOnce(&mut Vec<String>)>;

fn event_edit(line: &str, f: impl FnOnce(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(line).expect("event");
    f(&mut v);
    String::from_utf8(lading_model::json::canonicalize(&v)).expect("utf8")
}

#[test]
fn every_tampering_fails_verification() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    stream_with_events(d);
    let (code, _, err) =
        run(d, &["maint", "export", "s", "--data", "data", "--from", "10", "--to", "20", "--out", "seg.lading"]);
    assert_eq!(code, 0, "{err}");
    // The forger's rewrite of an untouched segment still verifies: the harness itself is sound.
    forge(d, "seg.lading", "same.lading", |_| {});
    assert_eq!(json(d, &["maint", "verify", "same.lading", "--vkey", "vkey"]).0, 0);

    let cases: Vec<(&str, Edit, &[&str])> = vec![
        (
            "removed",
            Box::new(|l| {
                l.remove(4);
            }),
            &["completeness", "range proof"],
        ),
        (
            "removed and renumbered",
            Box::new(|l| {
                l.remove(4);
                for (i, line) in l.iter_mut().enumerate().skip(4) {
                    *line = event_edit(line, |v| v["sequence"] = Value::from(10 + i as u64));
                }
            }),
            &["range proof"],
        ),
        (
            "inserted",
            Box::new(|l| {
                let extra = event_edit(&l[3], |v| v["event_id"] = Value::from("forged-1"));
                l.insert(4, extra);
            }),
            &["completeness", "range proof"],
        ),
        ("reordered", Box::new(|l| l.swap(2, 3)), &["completeness", "range proof"]),
        (
            "edited",
            Box::new(|l| {
                let edited = event_edit(&l[5], |v| v["target"] = Value::from("spindle.min_rpm"));
                assert_ne!(edited, l[5], "the edit changes the event");
                l[5] = edited;
            }),
            &["range proof"],
        ),
        (
            "truncated",
            Box::new(|l| {
                l.pop();
            }),
            &["range proof"],
        ),
        ("not canonical", Box::new(|l| l[0] = l[0].replacen('{', "{ ", 1)), &["events", "range proof"]),
    ];
    for (name, edit, failing) in cases {
        let file = format!("{}.lading", name.replace(' ', "-"));
        forge(d, "seg.lading", &file, edit);
        let (code, v) = json(d, &["maint", "verify", &file, "--vkey", "vkey"]);
        assert_eq!(code, 1, "{name} must fail: {v}");
        assert_eq!(v["ok"], false);
        for check in failing {
            assert_eq!(status(&v, check), "fail", "{name}: {check} should fail: {v}");
        }
        assert_eq!(status(&v, "checkpoint signature"), "pass", "{name}");
    }

    // A careless forger who leaves bundle.json alone is caught at the package.
    let mut p = Package::from_zip(&std::fs::read(d.join("seg.lading")).expect("read")).expect("package");
    let ei = p.index.members.iter().position(|m| m.role == "events").expect("events");
    p.files[ei] = String::from_utf8(p.files[ei].clone()).expect("utf8").replacen("success", "failure", 1).into_bytes();
    std::fs::write(d.join("careless.lading"), p.to_zip().expect("zip")).expect("write");
    let (code, v) = json(d, &["maint", "verify", "careless.lading", "--vkey", "vkey"]);
    assert_eq!(code, 1);
    assert_eq!(status(&v, "package"), "fail", "{v}");

    // Not a package at all.
    std::fs::write(d.join("junk.lading"), b"PK\x03\x04 not really").expect("write");
    let (code, v) = json(d, &["maint", "verify", "junk.lading", "--vkey", "vkey"]);
    assert_eq!(code, 1);
    assert_eq!(status(&v, "package"), "fail", "{v}");
}

#[test]
fn retention_holds_and_pruning_keep_the_tree_verifiable() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    stream_with_events(d);
    // 600 more events, one a second from 2026-11-23.
    let template: Value = serde_json::from_str(
        std::fs::read_to_string(samples().join("events.jsonl")).expect("read").lines().next().expect("line"),
    )
    .expect("event");
    let t0 = chrono::DateTime::parse_from_rfc3339("2026-11-23T00:00:00Z").expect("t0");
    let lines: Vec<String> = (0..600)
        .map(|i| {
            let mut e = template.clone();
            e["event_id"] = Value::from(format!("bulk-{i:04}"));
            e["occurred_at"] = Value::from((t0 + chrono::Duration::seconds(i)).to_rfc3339());
            e.to_string()
        })
        .collect();
    std::fs::write(d.join("bulk.jsonl"), lines.join("\n")).expect("write");
    let (code, v) = json(d, &["maint", "ingest", "s", "bulk.jsonl", "--data", "data", "--format", "jsonl"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(size(d), 635);
    let retention = |now: &str, prune: bool| {
        let mut a = vec!["maint", "retention", "s", "--data", "data", "--now", now];
        if prune {
            a.push("--prune");
        }
        let (code, v) = json(d, &a);
        assert_eq!(code, 0, "{v}");
        v
    };
    let v = retention("2026-12-01T00:00:00Z", false);
    assert_eq!((v["within_retention"].as_u64(), v["prunable"].as_u64()), (Some(635), Some(0)), "{v}");

    // A hold on [0, 100) blocks bundle 0; bundle 1 ([256, 512)) is prunable; bundle 2 is partial.
    let (code, v) = json(
        d,
        &[
            "maint",
            "hold",
            "add",
            "s",
            "--data",
            "data",
            "--id",
            "case-1",
            "--to",
            "100",
            "--reason",
            "dispute with Example GmbH",
        ],
    );
    assert_eq!(code, 0, "{v}");
    let (code, _, err) =
        run(d, &["maint", "hold", "add", "s", "--data", "data", "--id", "case-1", "--reason", "again"]);
    assert_eq!(code, 1);
    assert!(err.contains("already exists"), "{err}");
    let v = retention("2027-12-01T00:00:00Z", false);
    assert_eq!(
        (v["past_retention"].as_u64(), v["held"].as_u64(), v["prunable"].as_u64(), v["pruned"].as_u64()),
        (Some(635), Some(100), Some(256), Some(0)),
        "{v}"
    );

    // A receipt and the entry taken before pruning.
    assert_eq!(run(d, &["log", "prove", "data/streams/s", "--index", "300", "--out", "r300"]).0, 0);
    let entry = Command::new(env!("CARGO_BIN_EXE_lading"))
        .current_dir(d)
        .args(["log", "get", "data/streams/s", "--index", "300"])
        .output()
        .expect("get");
    std::fs::write(d.join("e300"), entry.stdout).expect("write");

    let v = retention("2027-12-01T00:00:00Z", true);
    assert_eq!(
        (v["pruned_now"].as_u64(), v["pruned"].as_u64(), v["prunable"].as_u64()),
        (Some(256), Some(256), Some(0)),
        "{v}"
    );

    // Pruned bodies cannot be exported; held and recent ones can, and verify.
    let (code, _, err) =
        run(d, &["maint", "export", "s", "--data", "data", "--from", "300", "--to", "310", "--out", "p.lading"]);
    assert_eq!(code, 1);
    assert!(err.contains("events [256, 512) were pruned"), "{err}");
    let (code, _, err) =
        run(d, &["maint", "export", "s", "--data", "data", "--from", "0", "--to", "256", "--out", "h.lading"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(d, &["maint", "verify", "h.lading", "--vkey", "vkey"]).0, 0);
    let (code, _, err) = run(d, &["maint", "export", "s", "--data", "data", "--from", "512", "--out", "t.lading"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(d, &["maint", "verify", "t.lading", "--vkey", "vkey"]).0, 0);

    // The tree is intact: the old receipt verifies, and new receipts are made for pruned events.
    let (code, v) = json(d, &["log", "verify-proof", "r300", "--entry", "e300", "--vkey", "vkey"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(run(d, &["log", "prove", "data/streams/s", "--index", "300", "--out", "r300b"]).0, 0);
    let (code, v) = json(d, &["log", "verify-proof", "r300b", "--entry", "e300", "--vkey", "vkey"]);
    assert_eq!(code, 0, "{v}");

    // Releasing the hold makes bundle 0 prunable; the stream still takes events.
    assert_eq!(run(d, &["maint", "hold", "release", "s", "--data", "data", "--id", "case-1"]).0, 0);
    let (code, v) = json(d, &["maint", "hold", "list", "s", "--data", "data"]);
    assert_eq!(code, 0);
    assert_eq!(v["holds"][0]["active"], false);
    let v = retention("2027-12-01T00:00:00Z", false);
    assert_eq!(v["prunable"].as_u64(), Some(256), "{v}");
    let altered = std::fs::read_to_string(sample("syslog.log")).expect("sample").replacen("success", "failure", 1);
    std::fs::write(d.join("altered.log"), altered).expect("write");
    let (code, v) = json(d, &["maint", "ingest", "s", "altered.log", "--data", "data", "--format", "syslog"]);
    assert_eq!(code, 1, "duplicates are still caught after pruning: {v}");

    // After pruning, the event index holds the only copy of pruned events' ids and times:
    // it cannot be rebuilt from the log, and ingestion says so instead of forgetting them.
    std::fs::remove_file(d.join("data/streams/s/events.sqlite")).expect("rm");
    let (code, _, err) = run(d, &["maint", "ingest", "s", "bulk.jsonl", "--data", "data", "--format", "jsonl"]);
    assert_eq!(code, 1);
    assert!(err.contains("rebuilding the event index") && err.contains("pruned"), "{err}");
    assert_eq!(size(d), 635);
}

#[test]
fn bench_maint_measures_ingest_against_raw_appends() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (code, v) = json(tmp.path(), &["bench", "maint", "--events", "50", "--batches", "2", "--dir", "b"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["events"], 100);
    assert!(
        v["ingest_events_per_s"].as_f64().unwrap_or(0.0) > 0.0
            && v["baseline_raw_append_per_s"].as_f64().unwrap_or(0.0) > 0.0
    );
    let (code, _, err) = run(tmp.path(), &["bench", "maint", "--events", "0"]);
    assert_eq!(code, 1);
    assert!(err.contains("at least 1"), "{err}");
}

#[test]
fn bad_flags_and_names_are_clear_errors_that_change_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    stream_with_events(d);
    let create = |name: &str, extra: &[&str]| {
        let mut a = vec![
            "maint",
            "stream",
            "create",
            name,
            "--data",
            "data",
            "--key",
            "k.key",
            "--provider",
            "P",
            "--registration-id",
            "R",
        ];
        a.extend_from_slice(extra);
        run(d, &a)
    };
    let (code, _, err) = create("Bad Name", &[]);
    assert_eq!(code, 1);
    assert!(err.contains("must match"), "{err}");
    let (code, _, err) = create("t", &["--retention-days", "30"]);
    assert_eq!(code, 1);
    assert!(err.contains("below 180"), "{err}");
    assert!(!d.join("data/streams/t").exists());
    let (code, _, err) = create("s", &[]);
    assert_eq!(code, 1);
    assert!(err.contains("already exists"), "{err}");
    let (code, _, err) = create("u", &["--jurisdiction", "germany"]);
    assert_eq!(code, 1);
    assert!(err.contains("metadata is not valid"), "{err}");
    assert!(!d.join("data/streams/u").exists());

    let (code, _, err) =
        run(d, &["maint", "ingest", "nope", &sample("events.jsonl"), "--data", "data", "--format", "jsonl"]);
    assert_eq!(code, 1);
    assert!(err.contains("is not a stream"), "{err}");
    std::fs::write(d.join("latin1.jsonl"), b"{}\n\xff\xfe\n").expect("write");
    let (code, _, err) = run(d, &["maint", "ingest", "s", "latin1.jsonl", "--data", "data", "--format", "jsonl"]);
    assert_eq!(code, 1);
    assert!(err.contains("line 2: not UTF-8"), "{err}");
    let (code, _, err) = run(
        d,
        &["maint", "hold", "add", "s", "--data", "data", "--id", "h", "--from", "9", "--to", "3", "--reason", "r"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("--to must be above --from"), "{err}");
    let (code, _, err) = run(d, &["maint", "hold", "release", "s", "--data", "data", "--id", "missing"]);
    assert_eq!(code, 1);
    assert!(err.contains("no hold"), "{err}");
    let (code, _, err) = run(d, &["maint", "retention", "s", "--data", "data", "--now", "soon"]);
    assert_eq!(code, 1);
    assert!(err.contains("--now"), "{err}");
    assert_eq!(size(d), 35, "nothing was appended or pruned");
}
