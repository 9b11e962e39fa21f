//! `lading verify`: the offline verdict on an evidence bundle — on the
//! terminal, as `--json`, as a self-contained HTML page and as PDF/A-3b with
//! the bundle inside — and the verdict PDF verified in turn
//! (`lading verify REPORT.pdf`: its embedded bundle re-verified, its visible
//! verdict compared with the result).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow, bail};
use chrono::{DateTime, Datelike as _, Timelike as _, Utc};
use lading_console::i18n::Lang;
use lading_console::report::{Sheet, VERDICT_JSON, VerdictContext};
use lading_model::Sha256Digest;
use lading_report::read::{Limits, Report};
use lading_report::{Fonts, Stamp};
use lading_trust::verify::{self as verdict, CheckStatus, Verdict};
use serde_json::{Value, json};

use crate::cli::{FontArgs, VerifyArgs};
use crate::cmd::trust::time_or_now;
use crate::{fsio, output};

/// The largest verdict PDF read (a bundle inside, plus pages).
const MAX_PDF_BYTES: u64 = lading_model::bundle::MAX_PACKAGE_BYTES + (64 << 20);

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// The font a PDF is set in: `--font`, else `$LADING_FONT`, else Debian's
/// Noto Sans CJK; a collection gives faces 2 (Simplified Chinese) and 7 (its
/// fixed-width face), a single font both.
pub(crate) fn fonts(args: &FontArgs) -> Result<Fonts> {
    let path: PathBuf = args
        .font
        .clone()
        .or_else(|| std::env::var_os("LADING_FONT").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(lading_report::DEBIAN_NOTO_CJK));
    let bytes = std::fs::read(&path).map_err(|e| {
        anyhow!(
            "{}: {e}: a PDF needs a font with Chinese; install Debian's fonts-noto-cjk \
             (apt-get install fonts-noto-cjk) or give one with --font FILE (or LADING_FONT)",
            path.display()
        )
    })?;
    let (regular, mono) =
        if bytes.starts_with(b"ttcf") { (lading_report::NOTO_CJK_SC, lading_report::NOTO_CJK_SC_MONO) } else { (0, 0) };
    Fonts::from_collection(bytes, regular, mono).with_context(|| format!("{}", path.display()))
}

pub(crate) fn stamp(t: DateTime<Utc>) -> Stamp {
    // Each field is in range by construction of a chrono time (years past 65535 clamp).
    let small = |v: u32| u8::try_from(v).unwrap_or(u8::MAX);
    Stamp {
        year: u16::try_from(t.year()).unwrap_or(u16::MAX),
        month: small(t.month()),
        day: small(t.day()),
        hour: small(t.hour()),
        minute: small(t.minute()),
        second: small(t.second()),
    }
}

/// The verdict with what the caller knows beside it: the one JSON object of
/// `--json`, and the `verdict.json` a verdict PDF carries.
fn verdict_json(v: &Verdict, context: &VerdictContext, lang: Lang) -> Result<Value> {
    let mut value = serde_json::to_value(v)?;
    let time_of_logging = v
        .checks
        .iter()
        .find(|c| c.name == "time of logging")
        .or_else(|| v.checks.iter().find(|c| c.name == "statement logged"));
    if let Value::Object(map) = &mut value {
        map.insert("ok".into(), json!(v.verified));
        map.insert("bundle".into(), json!({"name": context.bundle_name, "sha256": context.bundle_sha256}));
        map.insert("policy".into(), json!({"name": context.policy_name, "sha256": context.policy_sha256}));
        map.insert("lading_version".into(), json!(context.lading_version));
        map.insert(
            "time_of_logging".into(),
            json!({
                "time": v.logged_at.map(|t| t.to_rfc3339()),
                "source": v.logged_at_source,
                "status": time_of_logging.map(|c| c.status),
                "why": time_of_logging.map(|c| &c.why),
                "claimed_only": time_of_logging.is_some_and(|c| c.status == CheckStatus::Warn),
            }),
        );
        map.insert("lang".into(), json!(lang.tag()));
    }
    Ok(value)
}

/// `lading verify BUNDLE|REPORT.pdf --policy P [--at T] [--html F] [--pdf F] [--lang L]`.
pub(crate) fn verify(args: &VerifyArgs, json_out: bool) -> Result<ExitCode> {
    let policy_bytes = fsio::read_limited(&args.policy, fsio::MAX_DOCUMENT_BYTES)?;
    let policy =
        lading_trust::policy::Policy::parse(&policy_bytes).map_err(|e| anyhow!("{}: {e}", args.policy.display()))?;
    let input = fsio::read_limited(&args.bundle, MAX_PDF_BYTES)?;
    if input.starts_with(b"%PDF-") {
        return verify_pdf(args, &policy, &policy_bytes, &input, json_out);
    }
    if input.len() as u64 > lading_model::bundle::MAX_PACKAGE_BYTES {
        bail!(
            "{}: {} bytes; a bundle is at most {}",
            args.bundle.display(),
            input.len(),
            lading_model::bundle::MAX_PACKAGE_BYTES
        );
    }
    let at: DateTime<Utc> = time_or_now(args.at.as_deref(), "--at")?;
    let v = verdict::verify(&input, &policy, at);
    let lang = args.lang.lang();
    let context = VerdictContext {
        bundle_name: file_name(&args.bundle),
        bundle_sha256: Sha256Digest::of(&input).to_hex(),
        policy_name: file_name(&args.policy),
        policy_sha256: Sha256Digest::of(&policy_bytes).to_hex(),
        lading_version: crate::cli::VERSION.into(),
    };
    let value = verdict_json(&v, &context, lang)?;
    let sheet = Sheet::new(&v, &context, lang);
    if let Some(path) = &args.html {
        fsio::write_output(path, sheet.to_html(&input).as_bytes())?;
    }
    if let Some(path) = &args.pdf {
        let fonts = fonts(&args.font)?;
        let json_bytes = serde_json::to_vec_pretty(&value)?;
        let doc = sheet.to_doc(stamp(v.verified_at), &context.bundle_name, &input, &json_bytes);
        let pdf = lading_report::render(&doc, &fonts).with_context(|| format!("{}", path.display()))?;
        fsio::write_output(path, &pdf)?;
    }
    if json_out {
        output::json_line(&value)?;
    } else {
        print_verdict(&v, &context)?;
    }
    Ok(if v.verified { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn print_verdict(v: &Verdict, context: &VerdictContext) -> Result<()> {
    output::line(&format!("{}: {}", context.bundle_name, if v.verified { "VERIFIED" } else { "NOT VERIFIED" }))?;
    output::line(&format!(
        "bundle sha256 {}; policy {} sha256 {}",
        context.bundle_sha256, context.policy_name, context.policy_sha256
    ))?;
    if let Some(p) = &v.provider {
        output::line(&format!("provider: {p}; client: {}", v.client.as_deref().unwrap_or("?")))?;
    }
    if let Some(t) = v.logged_at {
        output::line(&format!("statement logged: {} ({})", t.to_rfc3339(), v.logged_at_source))?;
    }
    for row in &Sheet::new(v, context, Lang::En).conclusions {
        let (name, conclusion) =
            (row.cells.first().map_or("", String::as_str), row.cells.last().map_or("", String::as_str));
        output::line(&format!("deliverable {name}: {}", conclusion.replace('\n', "; ")))?;
    }
    for c in &v.checks {
        let mark = match c.status {
            CheckStatus::Pass => "pass",
            CheckStatus::Warn => "WARN",
            CheckStatus::Fail => "FAIL",
            CheckStatus::NotApplicable => "n/a ",
        };
        output::line(&format!("  {mark}  {:<44} {}", c.name, c.reason))?;
    }
    Ok(())
}

/// `lading verify REPORT.pdf`: the bundle the PDF carries verified under the
/// policy given (at the time the PDF records, unless `--at`), and the PDF's
/// visible verdict and carried `verdict.json` compared with the result.
fn verify_pdf(
    args: &VerifyArgs,
    policy: &lading_trust::policy::Policy,
    policy_bytes: &[u8],
    pdf: &[u8],
    json_out: bool,
) -> Result<ExitCode> {
    let where_ = args.bundle.display().to_string();
    let limits = Limits {
        pdf: usize::try_from(MAX_PDF_BYTES).unwrap_or(usize::MAX),
        stream: usize::try_from(lading_model::bundle::MAX_PACKAGE_BYTES).unwrap_or(usize::MAX),
    };
    let report = Report::parse(pdf, limits).with_context(|| where_.clone())?;
    let carried = report.attachments().with_context(|| where_.clone())?;
    let source: Vec<_> = carried.iter().filter(|c| c.relationship.as_deref() == Some("Source")).collect();
    let [bundle] = source.as_slice() else {
        bail!(
            "{where_}: carries {} associated files with AFRelationship Source; a verdict PDF carries its bundle as exactly one",
            source.len()
        );
    };
    let recorded =
        carried.iter().find(|c| c.name == VERDICT_JSON && c.relationship.as_deref() == Some("Data")).ok_or_else(
            || anyhow!("{where_}: carries no {VERDICT_JSON} (AFRelationship Data): not a verdict PDF of lading verify"),
        )?;
    let recorded: Value =
        lading_model::json::parse_strict(&recorded.bytes).map_err(|e| anyhow!("{where_}: {VERDICT_JSON}: {e}"))?;
    let recorded_at = recorded["verified_at"]
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| anyhow!("{where_}: {VERDICT_JSON}: /verified_at is not an RFC 3339 time"))?;
    let lang = match recorded["lang"].as_str() {
        Some("zh-CN") => Lang::ZhCn,
        Some("en") => Lang::En,
        other => bail!("{where_}: {VERDICT_JSON}: /lang {other:?} is not en or zh-CN"),
    };
    let at = match &args.at {
        Some(_) => time_or_now(args.at.as_deref(), "--at")?,
        None => recorded_at,
    };
    let v = verdict::verify(&bundle.bytes, policy, at);
    let context = VerdictContext {
        bundle_name: bundle.name.clone(),
        bundle_sha256: Sha256Digest::of(&bundle.bytes).to_hex(),
        policy_name: file_name(&args.policy),
        policy_sha256: Sha256Digest::of(policy_bytes).to_hex(),
        lading_version: crate::cli::VERSION.into(),
    };
    let sheet = Sheet::new(&v, &context, lang);
    // What the pages show must be what this verification finds.
    let shown: String =
        report.page_text().with_context(|| where_.clone())?.concat().chars().filter(|c| !c.is_whitespace()).collect();
    let mut mismatches: Vec<String> = sheet
        .visible_essentials()
        .into_iter()
        .filter(|want| !shown.contains(want.as_str()))
        .map(|want| format!("the pages do not show {want:?}"))
        .collect();
    for (field, found) in [
        ("/verified", json!(v.verified)),
        ("/bundle/sha256", json!(context.bundle_sha256)),
        ("/policy/sha256", json!(context.policy_sha256)),
        ("/conclusions", serde_json::to_value(&v.conclusions)?),
    ] {
        if recorded.pointer(field) != Some(&found) {
            mismatches.push(format!(
                "{VERDICT_JSON} {field} says {}, verification finds {found}",
                recorded.pointer(field).map_or("nothing".into(), Value::to_string)
            ));
        }
    }
    let matches = mismatches.is_empty();
    let ok = v.verified && matches;
    if json_out {
        let mut value = verdict_json(&v, &context, lang)?;
        if let Value::Object(map) = &mut value {
            map.insert("ok".into(), json!(ok));
            map.insert(
                "pdf".into(),
                json!({"path": where_, "visible_verdict_matches": matches, "mismatches": mismatches}),
            );
        }
        output::json_line(&value)?;
    } else {
        print_verdict(&v, &context)?;
        if matches {
            output::line(&format!("{where_}: the visible verdict and {VERDICT_JSON} match this verification"))?;
        } else {
            output::line(&format!("{where_}: the PDF does NOT show what its bundle verifies to:"))?;
            for m in &mismatches {
                output::line(&format!("  {m}"))?;
            }
        }
    }
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
