//! `lading inspect run | reproduce` through the binary on the demo model and
//! lot: the report is valid, its sample is the one the seed draws, its
//! verdicts are the lot's true labels; reproduction passes, and catches a
//! changed image, a missing image, a different model file, changed
//! parameters (in the report or against a given profile) and a changed lot
//! listing. Every bad input is a clear error naming the file or field, and
//! writes no report.

use std::path::{Path, PathBuf};

use lading_testkit::browser;
use lading_testkit::cli::Lading;
use serde_json::Value;

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(rel)
}

/// A scratch directory holding a copy of the demo lot (`lot/`), the model,
/// the profile and the lot description.
fn setup() -> (tempfile::TempDir, Lading) {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(d.path().join("lot")).expect("lot");
    for e in std::fs::read_dir(repo("models/surface/lot")).expect("demo lot") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), d.path().join("lot").join(e.file_name())).expect("copy");
    }
    for f in ["surface-classifier.onnx", "profile.toml", "lot.toml"] {
        std::fs::copy(repo("models/surface").join(f), d.path().join(f)).expect("copy");
    }
    let l = Lading::new(env!("CARGO_BIN_EXE_lading"), d.path());
    (d, l)
}

const SEED: &str = "00112233445566778899aabbccddeeff";

fn run_args<'a>(images: &'a str, out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![
        "inspect",
        "run",
        "--model",
        "surface-classifier.onnx",
        "--images",
        images,
        "--profile",
        "profile.toml",
        "--lot",
        "lot.toml",
        "--out",
        out,
    ];
    a.extend_from_slice(extra);
    a
}

fn sampled(l: &Lading) {
    l.ok(&run_args("lot", "report.json", &["--aql", "major=2.5,critical=0.4", "--seed", SEED]));
}

fn read(d: &Path, f: &str) -> Value {
    serde_json::from_slice(&std::fs::read(d.join(f)).expect("read")).expect("json")
}

fn reproduce(l: &Lading, report: &str, images: &str, extra: &[&str]) -> (i32, Value) {
    let mut a = vec!["inspect", "reproduce", report, "--model", "surface-classifier.onnx", "--images", images];
    a.extend_from_slice(extra);
    l.json(&a)
}

fn difference_kinds(v: &Value) -> Vec<(String, String)> {
    v["result"]["differences"]
        .as_array()
        .expect("differences")
        .iter()
        .map(|d| (d["kind"].as_str().unwrap_or("").to_owned(), d["item"].as_str().unwrap_or("").to_owned()))
        .collect()
}

#[test]
fn a_sampled_lot_gives_a_valid_report_with_the_drawn_sample_and_true_verdicts() {
    let (d, l) = setup();
    sampled(&l);
    l.ok(&["validate", "report.json"]);
    let r = read(d.path(), "report.json");
    assert_eq!(r["lot"]["lot_size"], 200);
    assert_eq!(r["inspection"]["code_letter"], "G");
    assert_eq!(r["inspection"]["sample_size"], 32);
    assert_eq!(r["inspection"]["sample_seed"], SEED);
    assert_eq!(r["model"]["runtime"]["name"], "tract-onnx");
    let model = std::fs::read(d.path().join("surface-classifier.onnx")).expect("model");
    assert_eq!(r["model"]["sha256"], lading_model::Sha256Digest::of(&model).to_string());
    // The sample is what `inspect sample` draws from the seed; item k is image part-k.
    let (_, drawn) = l.json(&["inspect", "sample", "--lot-size", "200", "--sample-size", "32", "--seed", SEED]);
    let items = r["items"].as_array().expect("items");
    let positions: Vec<&Value> = items.iter().map(|i| &i["position"]).collect();
    assert_eq!(drawn["positions"].as_array().expect("positions").iter().collect::<Vec<_>>(), positions);
    for i in items {
        let name = format!("part-{:04}.png", i["position"].as_u64().expect("position"));
        assert_eq!(i["image"]["name"], name.as_str());
        let bytes = std::fs::read(d.path().join("lot").join(&name)).expect("image");
        assert_eq!(i["image"]["sha256"], lading_model::Sha256Digest::of(&bytes).to_string());
        assert_eq!(i["scores"].as_array().expect("scores").len(), 4);
    }
    // The verdicts are the generator's true labels (dent → critical; none of the sampled items is a spot).
    let labels: Value =
        serde_json::from_slice(&std::fs::read(repo("models/surface/lot-labels.json")).expect("labels")).expect("json");
    for i in items {
        let truth = labels[i["image"]["name"].as_str().expect("name")].as_str().expect("label");
        let want = match truth {
            "ok" => vec![],
            "dent" => vec!["critical"],
            _ => vec!["major"],
        };
        let got: Vec<&str> =
            i["defect_classes"].as_array().expect("classes").iter().map(|c| c.as_str().expect("class")).collect();
        assert_eq!(got, want, "{}", i["image"]["name"]);
    }
    assert_eq!(r["summary"]["defects_by_class"]["critical"], 2);
    assert_eq!(r["summary"]["decision"], "reject");
    // The listing digest is what `sha256sum` gives for the folder.
    let mut listing = String::new();
    let mut names: Vec<String> = std::fs::read_dir(d.path().join("lot"))
        .expect("dir")
        .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
        .collect();
    names.sort();
    for n in names {
        let bytes = std::fs::read(d.path().join("lot").join(&n)).expect("image");
        listing.push_str(&format!("{}  {n}\n", lading_model::Sha256Digest::of(&bytes)));
    }
    assert_eq!(r["lot"]["images_sha256"], lading_model::Sha256Digest::of(listing.as_bytes()).to_string());
}

#[test]
fn a_folder_of_exactly_the_sampled_items_stands_for_the_drawn_positions() {
    let (d, l) = setup();
    let (_, drawn) = l.json(&["inspect", "sample", "--lot-size", "200", "--sample-size", "32", "--seed", SEED]);
    std::fs::create_dir(d.path().join("sample")).expect("dir");
    for (k, p) in drawn["positions"].as_array().expect("positions").iter().enumerate() {
        let from = d.path().join(format!("lot/part-{:04}.png", p.as_u64().expect("p")));
        std::fs::copy(from, d.path().join(format!("sample/item-{k:02}.png"))).expect("copy");
    }
    l.ok(&run_args("sample", "s.json", &["--aql", "major=2.5,critical=0.4", "--seed", SEED, "--lot-size", "200"]));
    let r = read(d.path(), "s.json");
    let got: Vec<&Value> = r["items"].as_array().expect("items").iter().map(|i| &i["position"]).collect();
    assert_eq!(got, drawn["positions"].as_array().expect("positions").iter().collect::<Vec<_>>());
    assert_eq!(r["summary"]["decision"], "reject");
}

#[test]
fn full_inspection_judges_every_item() {
    let (d, l) = setup();
    l.ok(&run_args("lot", "full.json", &["--full", "--max-defects", "major=5,critical=0", "--threads", "2"]));
    let r = read(d.path(), "full.json");
    assert_eq!(r["inspection"]["mode"], "full");
    assert_eq!(r["items"].as_array().expect("items").len(), 200);
    // The generator put 5 dents and 7 spots in the lot: the model finds every one with its class, and
    // (a 94 % model, MODEL_CARD.md) calls 6 of the 188 good parts dents.
    let labels: Value =
        serde_json::from_slice(&std::fs::read(repo("models/surface/lot-labels.json")).expect("labels")).expect("json");
    let mut false_alarms = 0;
    for i in r["items"].as_array().expect("items") {
        let truth = labels[i["image"]["name"].as_str().expect("name")].as_str().expect("label");
        let got: Vec<&str> =
            i["defect_classes"].as_array().expect("classes").iter().map(|c| c.as_str().expect("class")).collect();
        match truth {
            "ok" if got.is_empty() => {}
            "ok" => false_alarms += 1,
            "dent" => assert_eq!(got, ["critical"], "{}", i["image"]["name"]),
            _ => assert_eq!(got, ["major"], "{}", i["image"]["name"]),
        }
    }
    assert_eq!(false_alarms, 6);
    assert_eq!(r["summary"]["defects_by_class"]["critical"], 5 + 6);
    assert_eq!(r["summary"]["defects_by_class"]["major"], 7);
    l.ok(&["validate", "full.json"]);
}

#[test]
fn reproduction_passes_and_catches_every_kind_of_change() {
    let (d, l) = setup();
    sampled(&l);
    let (code, v) = reproduce(&l, "report.json", "lot", &["--profile", "profile.toml"]);
    assert_eq!((code, v["reproducible"].as_bool()), (0, Some(true)), "{v}");
    assert_eq!(v["result"]["rerun"], 32);
    let r = read(d.path(), "report.json");
    let first = r["items"][0]["image"]["name"].as_str().expect("name").to_owned();
    let second = r["items"][1]["image"]["name"].as_str().expect("name").to_owned();

    // A changed image (another item's bytes) and a missing one.
    std::fs::copy(d.path().join("lot/part-0199.png"), d.path().join("lot").join(&first)).expect("copy");
    std::fs::rename(d.path().join("lot").join(&second), d.path().join("moved.png")).expect("move");
    let (code, v) = reproduce(&l, "report.json", "lot", &[]);
    assert_eq!(code, 1);
    let kinds = difference_kinds(&v);
    assert!(kinds.contains(&("image".into(), first.clone())), "{kinds:?}");
    assert!(kinds.contains(&("missing".into(), second.clone())), "{kinds:?}");
    assert!(kinds.contains(&("listing".into(), String::new())), "{kinds:?}");
    let (d2, l2) = setup();
    std::fs::copy(d.path().join("report.json"), d2.path().join("report.json")).expect("copy");

    // A non-sampled image changed: only the listing shows it.
    let unsampled = (0..200)
        .map(|p| format!("part-{p:04}.png"))
        .find(|n| !r["items"].as_array().expect("items").iter().any(|i| i["image"]["name"] == n.as_str()))
        .expect("an unsampled image");
    std::fs::copy(d2.path().join("lot/part-0050.png"), d2.path().join("lot").join(&unsampled)).expect("copy");
    let (code, v) = reproduce(&l2, "report.json", "lot", &[]);
    assert_eq!((code, difference_kinds(&v)), (1, vec![("listing".into(), String::new())]));
    std::fs::copy(repo("models/surface/lot").join(&unsampled), d2.path().join("lot").join(&unsampled))
        .expect("put back");

    // A different model file (the same graph with one more byte of metadata).
    let mut model = std::fs::read(d2.path().join("surface-classifier.onnx")).expect("model");
    model.extend_from_slice(&[0x32, 0x01, b'x']); // field 6 (doc_string), one byte
    std::fs::write(d2.path().join("other.onnx"), &model).expect("write");
    let (code, v) = l2.json(&["inspect", "reproduce", "report.json", "--model", "other.onnx", "--images", "lot"]);
    assert_eq!((code, difference_kinds(&v)), (1, vec![("model".into(), String::new())]), "{v}");

    // Changed parameters: against a given profile, and inside the report itself.
    let profile = std::fs::read_to_string(d2.path().join("profile.toml")).expect("profile");
    std::fs::write(d2.path().join("p2.toml"), profile.replace("std = [0.25]", "std = [0.3]")).expect("write");
    let (code, v) = reproduce(&l2, "report.json", "lot", &["--profile", "p2.toml"]);
    assert_eq!(code, 1);
    assert_eq!(difference_kinds(&v), vec![("parameters".into(), String::new())]);
    assert!(v["result"]["differences"][0]["detail"].as_str().expect("detail").contains("input.std"), "{v}");
    let mut edited = r.clone();
    edited["model"]["preprocessing"]["mean"] = serde_json::json!([0.6]);
    std::fs::write(d2.path().join("edited.json"), serde_json::to_vec_pretty(&edited).expect("json")).expect("write");
    let (code, v) = reproduce(&l2, "edited.json", "lot", &[]);
    assert_eq!(code, 1);
    let kinds = difference_kinds(&v);
    assert!(kinds.iter().filter(|(k, _)| k == "scores").count() >= 30, "{kinds:?}");

    // A recorded output changed beyond the tolerance.
    let mut edited = r.clone();
    let s = edited["items"][3]["scores"][0].as_f64().expect("score");
    edited["items"][3]["scores"][0] = serde_json::json!(s - 0.001);
    std::fs::write(d2.path().join("edited.json"), serde_json::to_vec_pretty(&edited).expect("json")).expect("write");
    let (code, v) = reproduce(&l2, "edited.json", "lot", &[]);
    let item3 = r["items"][3]["image"]["name"].as_str().expect("name").to_owned();
    assert_eq!((code, difference_kinds(&v)), (1, vec![("scores".into(), item3)]));
}

#[test]
fn bad_input_is_a_clear_error_that_writes_no_report() {
    let (d, l) = setup();
    let aql = ["--aql", "major=2.5,critical=0.4", "--seed", SEED];
    let fails = |images: &str, extra: &[&str], want: &[&str]| {
        let mut e = aql.to_vec();
        e.extend_from_slice(extra);
        let err = l.fails(&run_args(images, "bad.json", &e));
        for w in want {
            assert!(err.contains(w), "expected {w:?} in: {err}");
        }
        assert!(!d.path().join("bad.json").exists(), "a report was written: {err}");
    };
    // A corrupt image among those sampled, then an unsupported one.
    let r = {
        sampled(&l);
        read(d.path(), "report.json")
    };
    let victim = r["items"][2]["image"]["name"].as_str().expect("name").to_owned();
    let original = std::fs::read(d.path().join("lot").join(&victim)).expect("read");
    std::fs::write(d.path().join("lot").join(&victim), &original[..original.len() / 2]).expect("truncate");
    fails("lot", &[], &[&victim, "decode"]);
    std::fs::write(d.path().join("lot").join(&victim), b"GIF89a\x01\x00\x01\x00\x00\x00\x00;").expect("gif");
    fails("lot", &[], &[&victim, "not supported"]);
    std::fs::write(d.path().join("lot").join(&victim), &original).expect("restore");
    // Two items with the same image.
    std::fs::copy(d.path().join("lot/part-0000.png"), d.path().join("lot/part-0199.png")).expect("copy");
    fails("lot", &[], &["part-0199.png", "same image as part-0000.png"]);
    std::fs::copy(repo("models/surface/lot/part-0199.png"), d.path().join("lot/part-0199.png")).expect("restore");
    // An empty folder; a folder with fewer images than the sample.
    std::fs::create_dir(d.path().join("empty")).expect("dir");
    fails("empty", &[], &["empty", "no image files"]);
    std::fs::create_dir(d.path().join("few")).expect("dir");
    for k in 0..5 {
        std::fs::copy(d.path().join(format!("lot/part-{k:04}.png")), d.path().join(format!("few/{k}.png")))
            .expect("copy");
    }
    fails("few", &["--lot-size", "200"], &["sample is 32 items", "only 5 images"]);
    fails("few", &["--lot-size", "3"], &["5 images", "neither the whole lot of 3"]);
    // A profile missing a field, one that does not fit the model, and a defect class without a plan.
    let profile = std::fs::read_to_string(d.path().join("profile.toml")).expect("profile");
    std::fs::write(d.path().join("profile.toml"), profile.replace("layout = \"nchw\"\n", "")).expect("write");
    fails("lot", &[], &["profile.toml", "line 2 ([input])", "missing field `layout`"]);
    std::fs::write(d.path().join("profile.toml"), profile.replace("width = 64", "width = 32")).expect("write");
    fails("lot", &[], &["surface-classifier.onnx", "input.width"]);
    std::fs::write(d.path().join("profile.toml"), &profile).expect("restore");
    let err = l.fails(&run_args("lot", "bad.json", &["--aql", "major=2.5"]));
    assert!(err.contains("\"critical\"") && err.contains("--aql critical="), "{err}");
    let err = l.fails(&run_args("lot", "bad.json", &["--aql", "major"]));
    assert!(err.contains("CLASS=VALUE"), "{err}");
    // A lot description with an unknown field, naming its line.
    let lot = std::fs::read_to_string(d.path().join("lot.toml")).expect("lot");
    std::fs::write(d.path().join("lot.toml"), lot.replace("line = \"L3\"", "line = \"L3\"\ncolour = \"red\""))
        .expect("w");
    fails("lot", &[], &["lot.toml", "line 22 ([lot])", "colour"]);
    // Reproducing something that is not an inspection report.
    std::fs::write(d.path().join("x.json"), b"{\"a\": 1}").expect("write");
    let (code, _, err) =
        l.run(&["inspect", "reproduce", "x.json", "--model", "surface-classifier.onnx", "--images", "lot"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("x.json"), "{err}");
}

#[test]
fn the_rendered_report_opens_in_headless_chromium() {
    let (d, l) = setup();
    sampled(&l);
    let (code, v) = l.json(&["inspect", "render", "report.json", "--images", "lot", "--out", "report.html"]);
    assert_eq!((code, v["images_embedded"].as_u64()), (0, Some(2)), "{v}");
    let page = std::fs::read_to_string(d.path().join("report.html")).expect("html");
    // Self-contained: nothing fetched, no script.
    assert!(!page.contains("<script") && !page.contains("http://") && !page.contains("https://"));
    assert!(page.contains("LOT REJECTED") && page.contains("part-0050.png") && page.contains("id=\"histogram\""));
    let Some(browser) = browser::chromium() else { return };
    let page_url = format!("file://{}", d.path().join("report.html").display());
    let shot = browser::screenshot(&browser, &page_url, (1200, 1600), "inspection-report");
    let png = image::open(&shot).expect("a PNG screenshot").to_rgb8();
    assert_eq!(png.dimensions(), (1200, 1600));
    // The red "LOT REJECTED" badge and the grey images of the gallery are on screen, not a blank page.
    let red = png.pixels().filter(|p| p.0 == [0xb4, 0x23, 0x18]).count();
    assert!(red > 500, "the rejected badge is not drawn ({red} red pixels)");
    let distinct: std::collections::BTreeSet<[u8; 3]> = png.pixels().map(|p| p.0).collect();
    assert!(distinct.len() > 200, "the page looks blank ({} colours)", distinct.len());
}

#[test]
fn imported_coco_results_make_a_traceable_report_that_is_not_reproducible() {
    let (d, l) = setup();
    std::fs::write(
        d.path().join("det.toml"),
        std::fs::read_to_string(d.path().join("profile.toml")).expect("profile").replace(
            "kind = \"classifier\"\nclasses = [\"ok\", \"scratch\", \"spot\", \"dent\"]\nok_class = \"ok\"",
            "kind = \"detector\"\nclasses = [\"scratch\", \"spot\", \"dent\"]\nconfidence = 0.25\niou = 0.45",
        ),
    )
    .expect("write");
    std::fs::write(
        d.path().join("coco.json"),
        br#"[{"image_id": "part-0050", "category_id": 2, "bbox": [10, 12, 20, 18], "score": 0.91},
            {"image_id": "part-0091", "category_id": 2, "bbox": [30, 30, 10, 10], "score": 0.72},
            {"image_id": "part-0091", "category_id": 0, "bbox": [3, 3, 10, 10], "score": 0.1},
            {"image_id": "part-0001", "category_id": 1, "bbox": [3, 3, 10, 10], "score": 0.9}]"#,
    )
    .expect("write");
    let args = |coco: &'static str, out: &'static str| {
        vec![
            "inspect",
            "import",
            "--coco",
            coco,
            "--model",
            "surface-classifier.onnx",
            "--runtime",
            "onnxruntime/1.20.1",
            "--images",
            "lot",
            "--profile",
            "det.toml",
            "--lot",
            "lot.toml",
            "--aql",
            "major=2.5,critical=0.4",
            "--seed",
            SEED,
            "--out",
            out,
        ]
    };
    l.ok(&args("coco.json", "imported.json"));
    l.ok(&["validate", "imported.json"]);
    let r = read(d.path(), "imported.json");
    assert_eq!(r["reproducibility"]["origin"]["method"], "imported");
    let coco = std::fs::read(d.path().join("coco.json")).expect("coco");
    assert_eq!(r["reproducibility"]["origin"]["results_sha256"], lading_model::Sha256Digest::of(&coco).to_string());
    assert_eq!(r["model"]["runtime"]["name"], "onnxruntime");
    // part-0050 and part-0091 are sampled; the low-score detection is dropped; part-0001 is not sampled.
    let failing: Vec<&str> = r["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["verdict"] == "fail")
        .map(|i| i["image"]["name"].as_str().expect("name"))
        .collect();
    assert_eq!(failing, ["part-0050.png", "part-0091.png"]);
    let item = r["items"].as_array().expect("items").iter().find(|i| i["image"]["name"] == "part-0091.png");
    assert_eq!(item.expect("item")["detections"].as_array().expect("detections").len(), 1);
    let err =
        l.fails(&["inspect", "reproduce", "imported.json", "--model", "surface-classifier.onnx", "--images", "lot"]);
    assert!(err.contains("traceable") && err.contains("cannot reproduce"), "{err}");
    // Bad results name the file and the JSON pointer.
    for (body, want) in [
        (r#"[{"image_id": "part-9999", "category_id": 0, "bbox": [0, 0, 1, 1], "score": 0.5}]"#, "/0/image_id"),
        (r#"[{"image_id": "part-0001", "category_id": 7, "bbox": [0, 0, 1, 1], "score": 0.5}]"#, "/0/category_id"),
        (r#"[{"image_id": "part-0001", "category_id": 0, "bbox": [0, 0, -1, 1], "score": 0.5}]"#, "/0/bbox"),
        (r#"[{"image_id": "part-0001", "category_id": 0, "bbox": [0, 0, 1, 1], "score": 1.5}]"#, "/0/score"),
        (r#"[{"image_id": "part-0001", "bbox": [0, 0, 1, 1], "score": 0.5}]"#, "category_id"),
        (r#"{"image_id": 1}"#, "JSON array"),
    ] {
        std::fs::write(d.path().join("bad.json"), body).expect("write");
        let err = l.fails(&args("bad.json", "bad-report.json"));
        assert!(err.contains("bad.json") && err.contains(want), "{want}: {err}");
        assert!(!d.path().join("bad-report.json").exists());
    }
}

#[test]
fn a_certification_body_evaluates_a_signed_report_by_re_running_it() {
    let (d, l) = setup();
    sampled(&l);
    for k in ["vision", "reglog"] {
        l.ok(&["key", "generate", "--out", k]);
    }
    l.ok(&["sign", "report.json", "--key", "vision.key", "--out", "report.dsse.json"]);
    let vkey = l.ok(&["log", "init", "reg", "--origin", "example.com/registry", "--key", "reglog.key"]);
    std::fs::write(d.path().join("logpolicy.txt"), format!("log {}\nquorum none\n", vkey.trim())).expect("write");
    l.ok(&["bundle", "create", "--deliverable", "report.dsse.json", "--log", "reg", "--out", "eval.lading"]);
    let profile = repo("profiles/inspection-report.reference.json");
    let evaluate = |images: &str, out: &str| {
        let profile = profile.to_string_lossy().into_owned();
        let args = [
            "certify",
            "evaluate",
            "eval.lading",
            "--profile",
            &profile,
            "--provider-key",
            "vision.pub",
            "--log-policy",
            "logpolicy.txt",
            "--inspect-model",
            "surface-classifier.onnx",
            "--inspect-images",
            images,
            "--out",
            out,
        ];
        let (code, v) = l.json(&args);
        let outcome = |id: &str| {
            v["report"]["results"]
                .as_array()
                .expect("results")
                .iter()
                .find(|r| r["requirement"] == id)
                .map(|r| (r["outcome"].as_str().unwrap_or("").to_owned(), r["evidence"].to_string()))
                .expect("requirement")
        };
        (code, outcome("IR-04"), outcome("IR-05"))
    };
    let (code, plan, rerun) = evaluate("lot", "conformity.json");
    assert_eq!((code, plan.0.as_str(), rerun.0.as_str()), (0, "pass", "pass"), "{plan:?} {rerun:?}");
    assert!(rerun.1.contains("32 item(s) re-run"), "{rerun:?}");
    // The body's copy of one sampled image differs: reproduction fails, naming it.
    let r = read(d.path(), "report.json");
    let victim = r["items"][4]["image"]["name"].as_str().expect("name").to_owned();
    std::fs::copy(d.path().join("lot/part-0199.png"), d.path().join("lot").join(&victim)).expect("copy");
    let (code, plan, rerun) = evaluate("lot", "conformity2.json");
    assert_eq!((code, plan.0.as_str(), rerun.0.as_str()), (1, "pass", "fail"), "{rerun:?}");
    assert!(rerun.1.contains(&victim), "{rerun:?}");
}

#[test]
fn the_demo_detector_finds_boxes_that_reproduce_and_render() {
    let d = tempfile::tempdir().expect("tempdir");
    let l = Lading::new(env!("CARGO_BIN_EXE_lading"), d.path());
    let det = repo("models/detector");
    std::fs::create_dir(d.path().join("parts")).expect("dir");
    for e in std::fs::read_dir(det.join("samples")).expect("samples") {
        let e = e.expect("entry");
        if e.file_name().to_string_lossy().ends_with(".png") {
            std::fs::copy(e.path(), d.path().join("parts").join(e.file_name())).expect("copy");
        }
    }
    std::fs::copy(repo("models/surface/lot.toml"), d.path().join("lot.toml")).expect("lot");
    let model = det.join("surface-detector.onnx").to_string_lossy().into_owned();
    let profile = det.join("profile.toml").to_string_lossy().into_owned();
    l.ok(&[
        "inspect",
        "run",
        "--model",
        &model,
        "--images",
        "parts",
        "--profile",
        &profile,
        "--lot",
        "lot.toml",
        "--full",
        "--max-defects",
        "major=0,critical=0",
        "--out",
        "det.json",
    ]);
    l.ok(&["validate", "det.json"]);
    let r = read(d.path(), "det.json");
    for item in r["items"].as_array().expect("items") {
        let name = item["image"]["name"].as_str().expect("name");
        // The file name lists the defects drawn: every part but the clean ones fails, with the right classes.
        let drawn: std::collections::BTreeSet<&str> = name
            .trim_end_matches(".png")
            .split('-')
            .filter_map(|w| match w {
                "scratch" | "spot" => Some("major"),
                "dent" => Some("critical"),
                _ => None,
            })
            .collect();
        let got: std::collections::BTreeSet<&str> =
            item["defect_classes"].as_array().expect("classes").iter().map(|c| c.as_str().expect("c")).collect();
        assert_eq!(got, drawn, "{name}");
        assert_eq!(item["scores"].as_array().expect("raw").len(), 7 * 64, "{name}");
        for det in item["detections"].as_array().into_iter().flatten() {
            let b: Vec<f64> = det["bbox"].as_array().expect("bbox").iter().map(|v| v.as_f64().expect("v")).collect();
            assert!(b[0] >= 0.0 && b[1] >= 0.0 && b[0] + b[2] <= 64.0 && b[1] + b[3] <= 64.0, "{name}: {b:?}");
        }
    }
    let (code, v) = l.json(&["inspect", "reproduce", "det.json", "--model", &model, "--images", "parts"]);
    assert_eq!((code, v["reproducible"].as_bool()), (0, Some(true)), "{v}");
    l.ok(&["inspect", "render", "det.json", "--images", "parts", "--out", "det.html"]);
    let page = std::fs::read_to_string(d.path().join("det.html")).expect("html");
    assert!(page.matches("<rect class=\"box\"").count() >= 15, "boxes drawn");
}

#[test]
fn the_anomaly_head_fails_exactly_the_items_at_or_above_the_threshold() {
    let (d, l) = setup();
    let surface = repo("models/surface");
    let anomaly = surface.join("surface-anomaly.onnx").to_string_lossy().into_owned();
    let profile = surface.join("anomaly.toml").to_string_lossy().into_owned();
    l.ok(&[
        "inspect",
        "run",
        "--model",
        &anomaly,
        "--images",
        "lot",
        "--profile",
        &profile,
        "--lot",
        "lot.toml",
        "--full",
        "--max-defects",
        "major=5",
        "--out",
        "anomaly.json",
    ]);
    l.ok(&run_args("lot", "classes.json", &["--full", "--max-defects", "major=5,critical=0"]));
    l.ok(&["validate", "anomaly.json"]);
    let (a, c) = (read(d.path(), "anomaly.json"), read(d.path(), "classes.json"));
    assert_eq!(a["model"]["head"]["type"], "anomaly-score");
    let mut failed = 0;
    for (ai, ci) in a["items"].as_array().expect("items").iter().zip(c["items"].as_array().expect("items")) {
        assert_eq!(ai["image"], ci["image"]);
        let score = ai["scores"][0].as_f64().expect("one score");
        // The derived model's score is 1 − P(ok) of the classifier, on the same image.
        let p_ok = ci["scores"][0].as_f64().expect("P(ok)");
        assert!((score - (1.0 - p_ok)).abs() < 1e-6, "{}: {score} vs 1 − {p_ok}", ai["image"]["name"]);
        let fails = score >= 0.5;
        assert_eq!(ai["verdict"], if fails { "fail" } else { "pass" }, "{}", ai["image"]["name"]);
        failed += usize::from(fails);
    }
    assert_eq!(a["summary"]["defects_by_class"]["major"], failed);
    let (code, v) = l.json(&["inspect", "reproduce", "anomaly.json", "--model", &anomaly, "--images", "lot"]);
    assert_eq!((code, v["reproducible"].as_bool()), (0, Some(true)), "{v}");
}

/// `lading bench inspect` times the engine Lading runs and tract with its own operators only, in
/// the same run (the onnxruntime baseline is left out here; the interop tests compare outputs).
#[test]
fn bench_inspect_times_the_rewritten_engine_against_tract_alone() {
    let (d, l) = setup();
    let samples = repo("models/surface/samples");
    let (code, v) = l.json(&[
        "bench",
        "inspect",
        "--model",
        "surface-classifier.onnx",
        "--profile",
        "profile.toml",
        "--images",
        samples.to_str().expect("utf-8"),
        "--items",
        "4",
        "--repeats",
        "2",
        "--no-baseline",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["images"], 12, "{v}");
    assert!(v["tract_ms"].as_f64().is_some_and(|t| t > 0.0), "{v}");
    assert!(v["tract_operators_only_ms"].as_f64().is_some_and(|t| t > 0.0), "{v}");
    assert!(v["onnxruntime"].is_null(), "{v}");
    drop(d);
}

/// The zh-CN inspection page holds no English outside what `lading_testkit::page_language`
/// exempts: code values and the report's own values (lot, part, client, image and class names).
#[test]
fn the_chinese_inspection_page_holds_no_english() {
    let (d, l) = setup();
    sampled(&l);
    l.ok(&["inspect", "render", "report.json", "--images", "lot", "--out", "zh.html", "--lang", "zh-CN"]);
    let page = std::fs::read_to_string(d.path().join("zh.html")).expect("html");
    assert!(page.contains("lang=\"zh-CN\"") && page.contains("批次拒收"), "{page}");
    let data = lading_testkit::page_language::strings_of(&read(d.path(), "report.json"));
    let english = lading_testkit::page_language::english_in(&page, &data);
    assert!(english.is_empty(), "English on the zh-CN page:\n{}", english.join("\n"));
    // The English page says the same in English.
    l.ok(&["inspect", "render", "report.json", "--images", "lot", "--out", "en.html"]);
    let en = std::fs::read_to_string(d.path().join("en.html")).expect("html");
    assert!(en.contains("lang=\"en\"") && en.contains("LOT REJECTED") && en.contains("Sampling plan"));
}
