//! `lading inspect …`: ISO 2859-1 acceptance sampling, running a model over
//! a lot into an inspection report, and re-running a report.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow};
use lading_inspect::lot::{LotImage, LotInfo};
use lading_inspect::run::{self, Mode, Spec};
use lading_inspect::{Engine, Profile};
use lading_model::inspection::{
    Inspection, InspectionLevel, InspectionReport, Lot, LotDecision, SamplingStandard, Severity,
};
use lading_model::meta::Metadata;
use lading_model::sampling;
use serde_json::json;

use crate::cli::{
    InspectImportArgs, InspectPlanArgs, InspectRenderArgs, InspectReproduceArgs, InspectRunArgs, InspectSampleArgs,
    LotArgs,
};
use crate::{fsio, output};

fn level(s: &str) -> InspectionLevel {
    match s {
        "I" => InspectionLevel::I,
        "III" => InspectionLevel::III,
        "S-1" => InspectionLevel::S1,
        "S-2" => InspectionLevel::S2,
        "S-3" => InspectionLevel::S3,
        "S-4" => InspectionLevel::S4,
        _ => InspectionLevel::II,
    }
}

fn severity(s: &str) -> Severity {
    match s {
        "tightened" => Severity::Tightened,
        "reduced" => Severity::Reduced,
        _ => Severity::Normal,
    }
}

pub(crate) fn plan(args: &InspectPlanArgs, json_out: bool) -> Result<ExitCode> {
    let (lvl, sev) = (level(&args.level), severity(&args.severity));
    let letter = sampling::code_letter(args.lot_size, lvl).map_err(|e| anyhow!("--lot-size: {e}"))?;
    let mut plans = Vec::new();
    for aql in &args.aql {
        let p = sampling::plan(args.lot_size, lvl, sev, *aql).map_err(|e| anyhow!("--aql: {e}"))?;
        plans.push((*aql, p));
    }
    if json_out {
        output::json_line(&json!({
            "ok": true,
            "standard": "ISO 2859-1",
            "lot_size": args.lot_size,
            "inspection_level": args.level,
            "severity": args.severity,
            "code_letter": letter.to_string(),
            "plans": plans.iter().map(|(aql, p)| json!({
                "aql": aql, "sample_size": p.sample_size, "accept": p.accept, "reject": p.reject, "whole_lot": p.whole_lot,
            })).collect::<Vec<_>>(),
        }))?;
    } else {
        output::line(&format!(
            "lot of {} at level {}, {} inspection: code letter {letter}",
            args.lot_size, args.level, args.severity
        ))?;
        for (aql, p) in &plans {
            output::line(&format!(
                "  AQL {aql:<6} inspect {:>5} item(s){}  accept ≤ {}, reject ≥ {}",
                p.sample_size,
                if p.whole_lot { " (the whole lot)" } else { "" },
                p.accept,
                p.reject
            ))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn sample(args: &InspectSampleArgs, json_out: bool) -> Result<ExitCode> {
    let seed = hex::decode(&args.seed).map_err(|e| anyhow!("--seed {:?} is not hex: {e}", args.seed))?;
    if args.sample_size > 1_000_000 {
        return Err(anyhow!("--sample-size {} is more than 1,000,000 items", args.sample_size));
    }
    let picked = sampling::select(args.lot_size, args.sample_size, &seed);
    if json_out {
        output::json_line(&json!({ "ok": true, "lot_size": args.lot_size, "positions": picked }))?;
    } else {
        output::line(&picked.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn standard(s: &str) -> SamplingStandard {
    match s {
        "GB/T 2828.1" => SamplingStandard::Gbt2828_1,
        "ANSI/ASQ Z1.4" => SamplingStandard::AnsiAsqZ1_4,
        _ => SamplingStandard::Iso2859_1,
    }
}

/// `CLASS=VALUE` pairs of a flag, in order, each class once.
fn pairs<T: std::str::FromStr>(flag: &str, values: &[String]) -> Result<Vec<(String, T)>>
where
    T::Err: std::fmt::Display,
{
    let mut out: Vec<(String, T)> = Vec::new();
    for v in values {
        let (class, value) =
            v.split_once('=').ok_or_else(|| anyhow!("{flag} {v:?}: expected CLASS=VALUE, e.g. major=2.5"))?;
        let value = value.parse::<T>().map_err(|e| anyhow!("{flag} {v:?}: {e}"))?;
        if out.iter().any(|(c, _)| c == class) {
            return Err(anyhow!("{flag}: class {class:?} is given twice"));
        }
        out.push((class.to_owned(), value));
    }
    Ok(out)
}

fn threads(requested: Option<usize>) -> usize {
    requested.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get)).max(1)
}

fn bar(len: u64, what: &str) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{spinner}} {what} {{pos}}/{{len}} images ({{per_sec}}, {{eta}} left) {{wide_bar}}"
        ))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

fn read_profile(path: &std::path::Path) -> Result<Profile> {
    let text = fsio::read_text(path, 1 << 20)?;
    Profile::parse(&text).map_err(|e| anyhow!("{}: {e}", path.display()))
}

fn load_engine(path: &std::path::Path, profile: &Profile) -> Result<(Vec<u8>, Engine)> {
    let bytes = fsio::read_limited(path, MAX_MODEL_BYTES)?;
    let engine = Engine::load(&bytes, profile).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    Ok((bytes, engine))
}

/// Largest ONNX model read.
const MAX_MODEL_BYTES: u64 = 1 << 30;

/// The profile, lot description, mode and images a report is made from.
fn setup(args: &LotArgs) -> Result<(Profile, LotInfo, Mode, Vec<LotImage>)> {
    let profile = read_profile(&args.profile)?;
    let info = LotInfo::parse(&fsio::read_text(&args.description, 1 << 20)?)
        .map_err(|e| anyhow!("{}: {e}", args.description.display()))?;
    let mode = if args.full {
        if args.max_defects.is_empty() {
            return Err(anyhow!("--full needs --max-defects CLASS=N for each defect class"));
        }
        Mode::Full(pairs("--max-defects", &args.max_defects)?)
    } else {
        if args.aql.is_empty() {
            return Err(anyhow!("give --aql CLASS=AQL for each defect class (or --full with --max-defects)"));
        }
        let seed = match &args.seed {
            Some(s) => {
                let b = hex::decode(s).map_err(|e| anyhow!("--seed {s:?} is not hex: {e}"))?;
                if !(8..=64).contains(&b.len()) {
                    return Err(anyhow!("--seed must be 8 to 64 bytes (16 to 128 hex digits)"));
                }
                b
            }
            None => {
                let mut b = vec![0u8; 16];
                getrandom::fill(&mut b).map_err(|e| anyhow!("no randomness for the sample seed: {e}"))?;
                b
            }
        };
        Mode::Sampling {
            standard: standard(&args.standard),
            level: level(&args.level),
            severity: severity(&args.severity),
            aql: pairs("--aql", &args.aql)?,
            seed,
        }
    };
    let images = lading_inspect::lot::list(&args.images)?;
    Ok((profile, info, mode, images))
}

fn spec(args: &LotArgs, info: &LotInfo, mode: Mode, tolerance: f64) -> Spec {
    let now = crate::cmd::document::now_seconds();
    let meta = Metadata::new(
        lading_model::Kind::InspectionReport,
        uuid::Uuid::new_v4(),
        info.provider.clone(),
        info.jurisdictions.iter().map(|j| j.to_ascii_uppercase()).collect(),
        now,
    );
    Spec {
        meta,
        client: info.client.clone(),
        lot: Lot {
            id: args.lot_id.clone().unwrap_or_else(|| info.lot.id.clone()),
            part_number: info.lot.part_number.clone(),
            part_revision: info.lot.part_revision.clone(),
            lot_size: 0,
            site: info.lot.site.clone(),
            line: info.lot.line.clone(),
            station: info.lot.station.clone(),
            started_at: now,
            ended_at: now,
            images_sha256: None,
        },
        window: info.window(),
        acquisition: info.acquisition.clone(),
        model_id: info.model.id.clone(),
        model_version: info.model.version.clone(),
        mode,
        tolerance,
        lading_version: env!("CARGO_PKG_VERSION").into(),
    }
}

/// Checks the report against Lading's own rules, writes it, and says what it found.
fn finish(args: &LotArgs, report: &InspectionReport, how: &str, json_out: bool) -> Result<ExitCode> {
    let value = serde_json::to_value(report)?;
    // What Lading writes must pass Lading's own checks.
    if let Err(problems) = lading_model::validate_value(&value) {
        let list: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.pointer, p.message)).collect();
        return Err(anyhow!("the report fails its own checks (a bug in lading): {}", list.join("; ")));
    }
    let mut text = serde_json::to_string_pretty(&value)?;
    text.push('\n');
    fsio::write_output(&args.out, text.as_bytes())?;
    let failed = report.items.iter().filter(|i| i.verdict == lading_model::inspection::Verdict::Fail).count();
    if json_out {
        output::json_line(&json!({
            "ok": true, "report": args.out, "lot_size": report.lot.lot_size, "inspected": report.items.len(),
            "nonconforming": failed, "defects_by_class": report.summary.defects_by_class,
            "decision": report.summary.decision, "model_sha256": report.model.sha256.to_string(),
            "origin": report.reproducibility.origin,
        }))?;
    } else {
        let plan = match &report.inspection {
            Inspection::Sampling(p) => format!(
                "{} level {}, code letter {}, sample of {} (seed {})",
                args.standard, args.level, p.code_letter, p.sample_size, p.sample_seed
            ),
            Inspection::Full { .. } => "100 % inspection".into(),
        };
        output::line(&format!("{how} {} of {} items ({plan})", report.items.len(), report.lot.lot_size))?;
        output::line(&format!(
            "  {failed} nonconforming; by class {:?} → lot {}",
            report.summary.defects_by_class,
            match report.summary.decision {
                LotDecision::Accept => "ACCEPTED",
                LotDecision::Reject => "REJECTED",
            }
        ))?;
        output::line(&format!("  report → {}", args.out.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn run(args: &InspectRunArgs, json_out: bool) -> Result<ExitCode> {
    if !(args.tolerance.is_finite() && args.tolerance >= 0.0) {
        return Err(anyhow!("--tolerance must be a number ≥ 0"));
    }
    let (profile, info, mode, images) = setup(&args.lot)?;
    let (_, engine) = load_engine(&args.model, &profile)?;
    let threads = threads(args.threads);
    let selection = run::select(&images, args.lot.lot_size, &mode, &profile)?;
    let digests = run::digest_all(&images, threads)?;
    let chosen: Vec<&LotImage> = selection.items.iter().map(|(_, i)| *i).collect();
    let progress = bar(chosen.len() as u64, "inspecting");
    let started = std::time::Instant::now();
    let judged = run::judge_all(&engine, &profile, &chosen, threads, &|| progress.inc(1))?;
    let per_image_ms = started.elapsed().as_secs_f64() * 1000.0 / chosen.len().max(1) as f64;
    progress.finish_and_clear();
    let spec = spec(&args.lot, &info, mode, args.tolerance);
    let report = run::report(&spec, &run::Producer::tract(&engine)?, &profile, &images, &digests, &selection, judged)?;
    finish(&args.lot, &report, &format!("inspected ({threads} thread(s), {per_image_ms:.2} ms per image)"), json_out)
}

pub(crate) fn import(args: &InspectImportArgs, json_out: bool) -> Result<ExitCode> {
    let (profile, info, mode, images) = setup(&args.lot)?;
    let model_sha256: lading_model::Sha256Digest = match (&args.model, &args.model_sha256) {
        (Some(path), _) => lading_model::Sha256Digest::of(&fsio::read_limited(path, MAX_MODEL_BYTES)?),
        (None, Some(hex)) => hex.parse().map_err(|e| anyhow!("--model-sha256: {e}"))?,
        (None, None) => return Err(anyhow!("give --model or --model-sha256")),
    };
    let (name, version) =
        args.runtime.split_once('/').ok_or_else(|| anyhow!("--runtime {:?}: expected NAME/VERSION", args.runtime))?;
    let results = fsio::read_limited(&args.coco, lading_inspect::coco::MAX_COCO_BYTES)?;
    let dataset = args
        .coco_dataset
        .as_deref()
        .map(|p| fsio::read_limited(p, lading_inspect::coco::MAX_COCO_BYTES))
        .transpose()?;
    let threads = threads(None);
    let selection = run::select(&images, args.lot.lot_size, &mode, &profile)?;
    let digests = run::digest_all(&images, threads)?;
    let chosen: Vec<&LotImage> = selection.items.iter().map(|(_, i)| *i).collect();
    let judged = lading_inspect::coco::judge(&results, dataset.as_deref(), &profile, &images, &chosen, &digests)
        .map_err(|e| {
            let file = match e.file {
                "results" => args.coco.display().to_string(),
                "dataset" => args.coco_dataset.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
                _ => args.lot.profile.display().to_string(),
            };
            anyhow!(
                "{file}{}: {}",
                if e.pointer.is_empty() { String::new() } else { format!(" {}", e.pointer) },
                e.message
            )
        })?;
    let producer = run::Producer {
        model_sha256,
        runtime: lading_model::inspection::Runtime { name: name.into(), version: version.into() },
        origin: lading_model::inspection::Origin::Imported {
            format: "coco".into(),
            results_sha256: lading_model::Sha256Digest::of(&results),
            statement: lading_inspect::coco::STATEMENT.into(),
        },
    };
    let spec = spec(&args.lot, &info, mode, 0.0);
    let report = run::report(&spec, &producer, &profile, &images, &digests, &selection, judged)?;
    finish(&args.lot, &report, "imported (traceable, not reproducible by Lading)", json_out)
}

/// Reads an inspection report, refusing one that fails its own checks.
fn read_report(path: &std::path::Path) -> Result<InspectionReport> {
    let bytes = fsio::read_limited(path, fsio::MAX_DOCUMENT_BYTES)?;
    let value = lading_model::json::parse_strict(&bytes).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    match lading_model::validate_value(&value) {
        Ok(lading_model::Document::InspectionReport(r)) => Ok(*r),
        Ok(other) => Err(anyhow!("{}: a {}, not an inspection report", path.display(), other.kind())),
        Err(problems) => {
            let list: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.pointer, p.message)).collect();
            Err(anyhow!("{}: {}", path.display(), list.join("; ")))
        }
    }
}

pub(crate) fn reproduce(args: &InspectReproduceArgs, json_out: bool) -> Result<ExitCode> {
    let report = read_report(&args.report)?;
    let given = args.profile.as_deref().map(read_profile).transpose()?;
    let model = fsio::read_limited(&args.model, MAX_MODEL_BYTES)?;
    let progress = bar(report.items.len() as u64, "re-running");
    let result = lading_inspect::reproduce::reproduce(
        &report,
        &model,
        &args.images,
        given.as_ref(),
        threads(args.threads),
        &|| progress.inc(1),
    )?;
    progress.finish_and_clear();
    let ok = result.reproducible();
    if json_out {
        output::json_line(&json!({ "ok": ok, "reproducible": ok, "result": result }))?;
    } else {
        for d in &result.differences {
            match &d.item {
                Some(item) => output::line(&format!("  ✗ {item}: {} — {}", d.kind, d.detail))?,
                None => output::line(&format!("  ✗ {} — {}", d.kind, d.detail))?,
            }
        }
        for n in &result.notes {
            output::line(&format!("  note: {n}"))?;
        }
        output::line(&format!(
            "{}: {} of {} items re-run, largest output difference {:e} (tolerance {:e}), {} difference(s)",
            if ok { "REPRODUCIBLE" } else { "NOT REPRODUCIBLE" },
            result.rerun,
            result.items,
            result.max_abs_diff,
            result.tolerance,
            result.differences.len()
        ))?;
    }
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

pub(crate) fn render(args: &InspectRenderArgs, json_out: bool) -> Result<ExitCode> {
    use lading_inspect::render::{Picture, html};
    let report = read_report(&args.report)?;
    let mut pictures = std::collections::BTreeMap::new();
    let mut missing = Vec::new();
    let failing = report.items.iter().filter(|i| i.effective_verdict() == lading_model::inspection::Verdict::Fail);
    for item in failing {
        let found = args.images.as_ref().and_then(|dir| {
            let path = dir.join(&item.image.name);
            // Only a plain name inside the folder, and only the very image the report recorded.
            if item.image.name.contains(['/', '\\']) || item.image.name.starts_with('.') {
                return None;
            }
            let bytes = lading_inspect::lot::read(&path).ok()?;
            (lading_model::Sha256Digest::of(&bytes) == item.image.sha256).then_some(bytes).and_then(Picture::from_bytes)
        });
        match found {
            Some(p) => {
                pictures.insert(item.image.name.clone(), p);
            }
            None => missing.push(item.image.name.clone()),
        }
    }
    let words = match args.lang.lang() {
        lading_console::i18n::Lang::En => &lading_inspect::render::EN,
        lading_console::i18n::Lang::ZhCn => &lading_inspect::render::ZH_CN,
    };
    let page = html(&report, &pictures, words);
    if let Some(out) = &args.out {
        fsio::write_output(out, page.as_bytes())?;
    }
    if let Some(path) = &args.pdf {
        let json_bytes = fsio::read_limited(&args.report, fsio::MAX_DOCUMENT_BYTES)?;
        let images =
            pictures.values().map(|p| (lading_model::Sha256Digest::of(&p.bytes).to_hex(), p.bytes.clone())).collect();
        let doc = lading_console::inspection_pdf::inspection_doc(
            &report.lot.id,
            &report,
            &json_bytes,
            &images,
            args.lang.lang(),
            crate::cmd::verdict::stamp(report.meta.created_at),
        );
        let fonts = crate::cmd::verdict::fonts(&args.font)?;
        let pdf = lading_report::render(&doc, &fonts).with_context(|| format!("{}", path.display()))?;
        fsio::write_output(path, &pdf)?;
    }
    if json_out {
        output::json_line(&json!({
            "ok": true, "html": args.out, "pdf": args.pdf, "bytes": page.len(), "images_embedded": pictures.len(), "images_missing": missing,
        }))?;
    } else {
        output::line(&format!(
            "rendered lot {} → {} ({} KiB, {} image(s) embedded{})",
            report.lot.id,
            [&args.out, &args.pdf]
                .into_iter()
                .flatten()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" and "),
            page.len() / 1024,
            pictures.len(),
            if missing.is_empty() {
                String::new()
            } else {
                format!("; not found or not the recorded image: {}", missing.join(", "))
            }
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The median of some durations, in seconds.
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// A PNG like `base` with deterministic noise (±2 levels) from `seed`: a distinct image of the same kind.
fn noisy_png(base: &image::DynamicImage, seed: u64) -> Result<Vec<u8>> {
    let mut img = base.to_luma8();
    for (k, p) in img.pixels_mut().enumerate() {
        let h = (seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (k as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9)) >> 59;
        p.0[0] = p.0[0].saturating_add_signed(i8::try_from(h % 5).unwrap_or(0) - 2);
    }
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageLuma8(img).write_to(&mut out, image::ImageFormat::Png)?;
    Ok(out.into_inner())
}

pub(crate) fn bench(args: &crate::cli::BenchInspectArgs, json_out: bool) -> Result<ExitCode> {
    use lading_inspect::preprocess;
    let profile = read_profile(&args.profile)?;
    let (model_bytes, engine) = load_engine(&args.model, &profile)?;
    let images = lading_inspect::lot::list(&args.images)?;
    let mut decoded = Vec::new();
    let mut tensors = Vec::new();
    let mut prep = Vec::new();
    for image in &images {
        let Ok(bytes) = lading_inspect::lot::read(&image.path) else { continue };
        let started = std::time::Instant::now();
        let Ok(d) = preprocess::decode(&bytes) else { continue };
        tensors.push(preprocess::tensor(&d, &profile));
        prep.push(started.elapsed().as_secs_f64());
        decoded.push(d);
    }
    if tensors.is_empty() {
        return Err(anyhow!("{}: no PNG or JPEG image to time", args.images.display()));
    }
    // tract, one thread, inference only.
    let mut session = engine.session()?;
    let mut tract_outputs = Vec::new();
    for t in &tensors {
        tract_outputs.push(session.run(t.clone())?.into_iter().next().map(|o| o.1).unwrap_or_default());
    }
    let time = |session: &mut lading_inspect::engine::Session| -> Result<f64> {
        let mut times = Vec::new();
        for _ in 0..args.repeats.max(1) {
            for t in &tensors {
                let input = t.clone();
                let started = std::time::Instant::now();
                session.run(input)?;
                times.push(started.elapsed().as_secs_f64());
            }
        }
        Ok(median(times))
    };
    let tract_s = time(&mut session)?;
    // The same model with tract's own operators only (no `lading_inspect::pool` or `conv` rewrite).
    let tract_only_s = time(&mut lading_inspect::Engine::load_tract_only(&model_bytes, &profile)?.session()?)?;
    let prep_s = median(prep);
    // onnxruntime on the same tensors, in a Python process of this run.
    let baseline = if args.no_baseline {
        None
    } else {
        let python = args.python.clone().unwrap_or_else(|| {
            let venv = std::path::PathBuf::from(".venv-interop/bin/python");
            if venv.exists() { venv } else { "python3".into() }
        });
        let dir = tempfile::tempdir()?;
        let raw: Vec<u8> = tensors.iter().flatten().flat_map(|v| v.to_le_bytes()).collect();
        std::fs::write(dir.path().join("tensors.f32"), raw)?;
        std::fs::write(dir.path().join("model.onnx"), &model_bytes)?;
        let shape = profile.input_shape().iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
        let script = std::path::Path::new("bench/onnxruntime_time.py");
        let out = std::process::Command::new(&python)
            .arg(script)
            .arg(dir.path().join("model.onnx"))
            .arg(dir.path().join("tensors.f32"))
            .arg(&shape)
            .arg(args.repeats.max(1).to_string())
            .output()
            .map_err(|e| anyhow!("the onnxruntime baseline needs {} (--python): {e}", python.display()))?;
        if !out.status.success() {
            return Err(anyhow!(
                "the onnxruntime baseline failed ({} {}; run from the repository root with onnxruntime installed: pip install -r interop/requirements.txt, or pass --no-baseline): {}",
                python.display(),
                script.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)?;
        let ort_outputs: Vec<Vec<f64>> = serde_json::from_value(v["outputs"].clone())?;
        let worst = tract_outputs
            .iter()
            .zip(&ort_outputs)
            .flat_map(|(a, b)| a.iter().zip(b).map(|(x, y)| (f64::from(*x) - y).abs()))
            .fold(0.0, f64::max);
        Some((v["runtime"].as_str().unwrap_or("onnxruntime").to_owned(), v["median_s"].as_f64().unwrap_or(0.0), worst))
    };
    // A whole lot, read, decoded, inferred and judged: one thread, then every core.
    let dir = tempfile::tempdir()?;
    let lot_dir = dir.path().join("lot");
    std::fs::create_dir(&lot_dir)?;
    for i in 0..args.items {
        std::fs::write(lot_dir.join(format!("item-{i:06}.png")), noisy_png(&decoded[i % decoded.len()], i as u64)?)?;
    }
    let lot = lading_inspect::lot::list(&lot_dir)?;
    let refs: Vec<&LotImage> = lot.iter().collect();
    let cores = threads(None);
    let mut lot_rates = Vec::new();
    for t in [1, cores] {
        let progress = bar(refs.len() as u64, &format!("lot on {t} thread(s)"));
        let started = std::time::Instant::now();
        run::judge_all(&engine, &profile, &refs, t, &|| progress.inc(1))?;
        let secs = started.elapsed().as_secs_f64();
        progress.finish_and_clear();
        lot_rates.push((t, secs, refs.len() as f64 / secs));
    }
    let speedup = lot_rates[1].2 / lot_rates[0].2;
    if json_out {
        output::json_line(&json!({
            "ok": true, "model_sha256": engine.sha256, "images": tensors.len(), "repeats": args.repeats,
            "preprocess_ms": prep_s * 1e3, "tract_ms": tract_s * 1e3, "tract_operators_only_ms": tract_only_s * 1e3,
            "onnxruntime": baseline.as_ref().map(|(rt, s, worst)| json!({
                "runtime": rt, "ms": s * 1e3, "tract_over_onnxruntime": tract_s / s, "max_abs_diff": worst,
            })),
            "lot": lot_rates.iter().map(|(t, secs, rate)| json!({"threads": t, "items": refs.len(), "seconds": secs, "images_per_s": rate})).collect::<Vec<_>>(),
            "speedup": speedup,
        }))?;
    } else {
        output::line(&format!("{} image(s) × {} passes, model {}", tensors.len(), args.repeats, &engine.sha256[..16]))?;
        output::line(&format!("decode + preprocess:        {:>9.3} ms per image", prep_s * 1e3))?;
        output::line(&format!(
            "tract {} inference: {:>9.3} ms per image",
            lading_inspect::engine::TRACT_VERSION,
            tract_s * 1e3
        ))?;
        output::line(&format!(
            "  with tract's operators only: {:>6.3} ms per image (Lading's max-pool and convolution: {:.2}× faster)",
            tract_only_s * 1e3,
            tract_only_s / tract_s
        ))?;
        match &baseline {
            Some((rt, s, worst)) => {
                output::line(&format!("{rt:<19} inference: {:>9.3} ms per image", s * 1e3))?;
                output::line(&format!(
                    "tract / onnxruntime:        {:>9.2}×  (largest output difference {worst:.1e})",
                    tract_s / s
                ))?;
            }
            None => output::line("onnxruntime baseline left out (--no-baseline)")?,
        }
        for (t, secs, rate) in &lot_rates {
            output::line(&format!(
                "lot of {} images on {t} thread(s): {secs:>7.2} s, {rate:>8.1} images/s (read, decode, infer, judge)",
                refs.len()
            ))?;
        }
        output::line(&format!("speed-up on {cores} cores:       {speedup:>9.2}×"))?;
    }
    Ok(ExitCode::SUCCESS)
}
